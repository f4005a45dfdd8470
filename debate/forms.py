"""Forms of the criteria debate."""

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from debate.models import Proposal, ProposalStance
from portal.filters import SEARCH_MAX_LENGTH, FlagField, ListFilterForm
from portal.forms import LocalDateTimeField, attach_zone
from portal.services.comments import COMMENT_MAX_LENGTH


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


def _criterion_label(titles: dict[int, str] | None):
    """A picker's option label: the code and the title in the reader's language (`titles`,
    from debate.selectors.criteria_picker_titles), else the English; the value stays the
    criterion's."""
    titles = titles or {}
    return lambda c: f"{c.code} {titles.get(c.pk, c.title)}"


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
        error_messages={
            "invalid_choice": _(
                "You cannot link the evaluation “%(value)s”: it does not exist or you may "
                "not see it."
            )
        },
    )
    submission_q = forms.CharField(
        label=_("Search the evaluations by title or code"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
    )
    reviews = forms.ModelMultipleChoiceField(
        label=_("Reviews that motivate it"),
        queryset=None,
        to_field_name="code",
        required=False,
        error_messages={
            "invalid_choice": _(
                "You cannot link the review “%(value)s”: it does not exist or you may not read it."
            )
        },
    )
    review_q = forms.CharField(
        label=_("Search the reviews by the evaluation's title or code"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
    )

    def __init__(self, *args, criteria, submissions, reviews, criterion_titles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
        self.fields["criterion"].label_from_instance = _criterion_label(criterion_titles)
        self.fields["other_criteria"].queryset = criteria
        self.fields["other_criteria"].label_from_instance = _criterion_label(criterion_titles)
        # The querysets validate what is posted (only linkable objects are accepted); the page
        # shows only the chosen ones and at most LINK_MATCHES matches of a search.
        self.fields["submissions"].queryset = submissions
        self.fields["reviews"].queryset = reviews

    def _value(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        value = source.get(name) or ""
        return value.strip()[:SEARCH_MAX_LENGTH] if isinstance(value, str) else ""

    def _chosen_codes(self, name: str) -> list[str]:
        if self.is_bound:
            return [code for code in self.data.getlist(name) if code][: LINK_MATCHES * 5]
        value = self.initial.get(name) or []
        return [value] if isinstance(value, str) else list(value)[: LINK_MATCHES * 5]

    def link_choices(self, name: str) -> "LinkChoices":
        """The checkboxes of `name` ("submissions" or "reviews"): the chosen objects (still
        linkable) first, checked, then up to LINK_MATCHES others matching the search."""
        field = self.fields[name]
        query_name = LINK_SEARCH[name]
        query = self._value(query_name)
        codes = self._chosen_codes(name)
        chosen = list(field.queryset.filter(code__in=codes)) if codes else []
        matches = field.queryset.exclude(code__in=codes)
        if query:
            title = "title" if name == "submissions" else "assignment__submission__title"
            code = "code" if name == "submissions" else "assignment__submission__code"
            matches = matches.filter(
                Q(**{f"{title}__icontains": query}) | Q(**{f"{code}__iexact": query})
            )
        found = list(matches[: LINK_MATCHES + 1])
        label = _submission_label if name == "submissions" else _review_label
        return LinkChoices(
            name=name,
            field=self[name],
            search=self[query_name],
            query=query,
            items=[(o.code, label(o), True) for o in chosen]
            + [(o.code, label(o), False) for o in found[:LINK_MATCHES]],
            more=len(found) > LINK_MATCHES,
            limit=LINK_MATCHES,
        )


LINK_MATCHES = 20
LINK_SEARCH = {"submissions": "submission_q", "reviews": "review_q"}


def _submission_label(submission) -> str:
    return f"{submission.title} ({submission.code})"


def _review_label(review) -> str:
    submission = review.assignment.submission
    return _("Review of “%(title)s” (%(code)s)") % {"title": submission.title, "code": review.code}


@dataclass
class LinkChoices:
    name: str
    field: forms.BoundField
    search: forms.BoundField
    query: str
    items: list[tuple[str, str, bool]]
    more: bool
    limit: int


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
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


class GroupedSelectMultiple(forms.SelectMultiple):
    """The same markup as SelectMultiple for grouped choices, built in Python: a call's
    2,000 proposals through the option templates cost 100-200 ms per page (bench
    debate:agenda_session_create), built here a few."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        final["multiple"] = True

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((key, " selected" if str(key) in chosen else "", label) for key, label in choices),
            )

        body = format_html_join(
            "",
            '<optgroup label="{}">{}</optgroup>',
            ((group, options(choices)) for group, choices in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final), body)


class AgendaSessionForm(forms.Form):
    """A session of the agenda. Times are typed in the workshop's time zone, as the
    workshop's own deadlines are (portal.forms.LocalDateTimeField)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=None, required=False)
    note_taker = forms.ModelChoiceField(label=_("Note-taker"), queryset=None, required=False)
    criteria = forms.ModelMultipleChoiceField(
        label=_("Criteria discussed"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proposals = forms.ModelMultipleChoiceField(
        label=_("Proposals discussed"),
        queryset=None,
        to_field_name="code",
        required=False,
        widget=GroupedSelectMultiple(attrs={"size": 12, "data-agenda-proposals": "on"}),
        help_text=_(
            "Grouped by criterion. Hold Ctrl (⌘ on a Mac) to choose several; type in the "
            "filter above the list to find one by its title or criterion code."
        ),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args, workshop, people, criteria, proposals, criterion_titles=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        for name in ("chair", "note_taker"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = lambda u: (
                f"{u.full_name} ({u.email})" if u.full_name else u.email
            )
        self.fields["criteria"].queryset = criteria
        self.fields["criteria"].label_from_instance = _criterion_label(criterion_titles)
        self.fields["proposals"].queryset = proposals
        self.fields["proposals"].choices = _proposal_choices(proposals)

    @staticmethod
    def initial_from(session, tz) -> dict:
        return {
            "title": session.title,
            "starts_at": timezone.localtime(session.starts_at, tz).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(session.ends_at, tz).strftime("%Y-%m-%dT%H:%M"),
            "room": session.room,
            "chair": session.chair_id,
            "note_taker": session.note_taker_id,
            "criteria": [c.code for c in session.criteria.all()],
            "proposals": [p.code for p in session.proposals.all()],
            "description": session.description,
        }

    def clean(self):
        cleaned = super().clean()
        attach_zone(self, cleaned, ("starts_at", "ends_at"), self.workshop.tzinfo)
        return cleaned


def _proposal_choices(proposals) -> list:
    """Options grouped by criterion (one query), labelled with the proposal's status.

    Read as plain values: a call's 2,000 proposals as model instances (each with its
    criterion) took about 50 ms of the form's page, for four fields each."""
    outcomes = dict(Proposal.Outcome.choices)
    groups: dict[str, list] = {}
    rows = proposals.values_list("code", "title", "outcome", "criterion__code")
    for code, title, outcome, criterion_code in rows:
        key = criterion_code or str(_("New criteria"))
        label = f"{title} ({outcomes[outcome]})" if outcome else title
        groups.setdefault(key, []).append((code, label))
    return list(groups.items())
