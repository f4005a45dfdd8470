"""Forms of the staff aggregate and reviewer-rating pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.services.ratings import NOTE_MAX_LENGTH, RATING_MAX, RATING_MIN


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[("", _("Choose"))] + [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)
