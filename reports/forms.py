"""Forms of the staff report pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.filters import SEARCH_MAX_LENGTH, ListFilterForm
from reports.data import BASIS_CONSOLIDATED, BASIS_INDIVIDUAL
from reports.models import ReportJob
from reports.services.quotes import QUOTE_MAX_LENGTH
from reports.services.texts import MARKDOWN_MAX_LENGTH

Kind = ReportJob.Kind


class QuoteFilterForm(ListFilterForm):
    criterion = forms.ChoiceField(label=_("Criterion"), required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", ""), *((c.code, c.code) for c in criteria)]


class RemarkFilterForm(ListFilterForm):
    q = forms.CharField(label=_("Organisation name"), required=False, max_length=SEARCH_MAX_LENGTH)


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Kind.choices)
    include_ai_office_only = forms.BooleanField(
        label=_("Count evaluations shared with the AI Office only"),
        required=False,
        help_text=_("They are never named or quoted in the public summary."),
    )
    criteria_set_version = forms.IntegerField(
        label=_("Criteria-set version"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for the newest version with submitted reviews."),
    )
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=settings.LANGUAGES, initial="en"
    )
    basis = forms.ChoiceField(
        label=_("Figures per criterion count"),
        choices=[
            (BASIS_INDIVIDUAL, _("the individual reviews")),
            (BASIS_CONSOLIDATED, _("the final consolidated assessments")),
        ],
        initial=BASIS_INDIVIDUAL,
        required=False,
        help_text=_("Public summary and internal edition; the method section says which."),
    )

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "basis": data.get("basis") or BASIS_INDIVIDUAL,
            "include_ai_office_only": data["include_ai_office_only"],
            "criteria_set_version": data["criteria_set_version"],
            "language": data["language"],
        }


class SummaryForm(forms.Form):
    # The texts as they were when the page was loaded (services.texts.summary_texts_version).
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    executive_summary_md = forms.CharField(
        label=_("Executive summary"),
        required=False,
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: headings, lists, emphasis, links and tables. No images."),
    )
    insights_md = forms.CharField(
        label=_("Workshop insights"),
        required=False,
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: headings, lists, emphasis, links and tables. No images."),
    )


class CriterionNoteForm(forms.Form):
    criterion_code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    notes_md = forms.CharField(
        label=_("Notes and agreed refinements"),
        required=False,
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RemarkForm(forms.Form):
    remarks_md = forms.CharField(
        label=_("Remarks to the organisation"),
        required=False,
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Printed in the organisation's feedback report the next time it is generated. "
            "Markdown: headings, lists, emphasis, links and tables. No images."
        ),
    )
    # The revision the edit started from (0: no remarks yet), so that a save racing
    # another is refused instead of overwriting it.
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class QuoteEditForm(forms.Form):
    text = forms.CharField(
        label=_("Text printed in the summary"),
        max_length=QUOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Shorten the quote or remove a detail that could identify the evaluation or "
            "its authors. The reviewer's justification itself is not changed, and the "
            "summary marks the quote as edited by the AI Office."
        ),
        error_messages={
            "required": _("Enter the text to print, or remove the quote from the summary.")
        },
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
