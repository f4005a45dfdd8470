"""Forms of the staff aggregate and reviewer-rating pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filters import FlagField, ListFilterForm
from reviews.selectors.aggregates import RATING_SORTS
from reviews.services.ratings import NOTE_MAX_LENGTH, RATING_MAX, RATING_MIN


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[("", _("Choose"))] + [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)


class AggregateFilterForm(ListFilterForm):
    version = forms.ChoiceField(label=_("Criteria set version"), required=False)
    disagreement = FlagField(label=_("Only submissions where reviewers disagree"))

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", _("Newest")), *((str(v), str(v)) for v in versions)]


class RatingListForm(ListFilterForm):
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(sort, sort) for sort in RATING_SORTS]
    )
