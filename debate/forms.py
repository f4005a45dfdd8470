"""Forms of the criteria debate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from debate.models import Proposal, ProposalStance
from portal.filters import SEARCH_MAX_LENGTH, FlagField, ListFilterForm


class ProposalListForm(ListFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind of change"), required=False, choices=[("", _("Any"))] + Proposal.Kind.choices
    )
    criterion = forms.CharField(label=_("Criterion code"), required=False, max_length=20)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            ("open", _("Open")),
            ("decided", _("Decided")),
            ("withdrawn", _("Withdrawn")),
            ("duplicate", _("Grouped as duplicate")),
        ],
    )
    mine = FlagField(label=_("Only mine"))
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise forms.ValidationError(_("Remove the NUL character."))
        return value

    def clean_criterion(self):
        value = self.cleaned_data["criterion"]
        if "\x00" in value:
            raise forms.ValidationError(_("Remove the NUL character."))
        return value


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=Proposal.Kind.choices)
    criterion = forms.ModelChoiceField(
        label=_("Criterion"),
        queryset=None,
        to_field_name="code",
        required=False,
        help_text=_("Not needed when you propose a new criterion."),
    )
    other_criteria = forms.ModelMultipleChoiceField(
        label=_("Criteria to merge it with"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Summary"), max_length=200)
    proposed_text = forms.CharField(
        label=_("Proposed text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The new wording: its first line is the title, the rest the description. For a "
            "split, two paragraphs (one per criterion); for a level's anchor, its new "
            "descriptor."
        ),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(0, 11)],
        help_text=_("Only for a change of a level's anchor."),
    )
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 5}))
    attribution_consent = forms.BooleanField(
        label=_("Name me in the public summary"), required=False
    )
    submissions = forms.ModelMultipleChoiceField(
        label=_("Evaluations that motivate it"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reviews = forms.ModelMultipleChoiceField(
        label=_("Reviews that motivate it"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, criteria, submissions, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = lambda c: f"{c.code} {c.title}"
        self.fields["other_criteria"].queryset = criteria
        self.fields["other_criteria"].label_from_instance = lambda c: f"{c.code} {c.title}"
        self.fields["submissions"].queryset = submissions
        self.fields["submissions"].label_from_instance = lambda s: s.title
        self.fields["reviews"].queryset = reviews
        self.fields["reviews"].label_from_instance = lambda r: (
            _("Review of “%(title)s”") % {"title": r.assignment.submission.title}
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: *emphasis*, lists and links."),
    )


class StanceForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Your position"),
        required=False,
        choices=[("", _("None"))] + ProposalStance.Stance.choices,
    )


class DuplicateForm(forms.Form):
    duplicate_of = forms.CharField(
        label=_("Code of the main proposal"),
        required=False,
        max_length=16,
        help_text=_("Leave empty to ungroup it."),
    )


class OutcomeForm(forms.Form):
    """The note-taker's outcome and notes for one proposal (live notes). Several are on one
    page: each gets ids of its own (`id_<proposal code>_<field>`), the same field names."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Not decided"))] + Proposal.Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    notes = forms.CharField(
        label=_("Discussion notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "revision": proposal.outcome_revision,
                "outcome": proposal.outcome,
                "notes": proposal.outcome_notes,
            },
        )
        super().__init__(*args, auto_id=f"id_{proposal.code}_%s", **kwargs)
        self.proposal = proposal
