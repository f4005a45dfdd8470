"""Live notes: the note-taker records each proposal's outcome and the discussion in the
session, on one page per agenda session (or per proposal not on any session). Each
proposal's form autosaves (static/portal/review-autosave.js) to a JSON endpoint and works
as a plain form POST without JavaScript; a save that races another is refused (409)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from debate import lookups, selectors, services
from debate.forms import OutcomeForm
from debate.models import AgendaSession, Proposal
from portal.concurrency import StaleEditError
from portal.forms import add_service_errors
from portal.permissions import permission_required
from reviews.views.reviewing.autosave import (
    invalid_form_json,
    json_error,
    logged_out,
    saved_json,
)


def _stale_text(stale: StaleEditError) -> str:
    """What the other person saved, as the page shows it beside the refusal."""
    stored = stale.current_value or {}
    outcome = stored.get("outcome", "")
    label = Proposal.Outcome(outcome).label if outcome else _("Not decided")
    return _("Outcome: %(outcome)s. Notes: %(notes)s") % {
        "outcome": label,
        "notes": stored.get("notes") or _("(none)"),
    }


def _record(request, proposal: Proposal, form: OutcomeForm) -> Proposal:
    data = form.cleaned_data
    return services.proposal_outcome_record(
        proposal=proposal,
        user=request.user,
        revision=data["revision"],
        outcome=data["outcome"],
        notes=data["notes"],
    )


def _save(request, proposal: Proposal, form: OutcomeForm) -> Proposal | None:
    """Record the form's outcome; None with the form's errors (and `form.stale`) if refused."""
    form.stale = None
    if not form.is_valid():
        return None
    try:
        return _record(request, proposal, form)
    except StaleEditError as stale:
        form.stale = _stale_text(stale)
        form.add_error(
            None,
            _(
                "Someone else changed this since you opened the page. Their version is shown "
                "below; copy what you need and reload the page."
            ),
        )
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def _items(proposals, bound: OutcomeForm | None = None) -> list[tuple[Proposal, OutcomeForm]]:
    return [
        (p, bound if bound is not None and bound.proposal.pk == p.pk else OutcomeForm(proposal=p))
        for p in proposals
    ]


def _status(form: OutcomeForm | None) -> int:
    if form is None or not form.errors:
        return 200
    return 409 if form.stale else 400


@permission_required("debate.manage_debate", lookup=lookups.agenda_session)
def session_notes(request, session: AgendaSession):
    proposals = list(selectors.proposals_for_notes(session=session))
    bound = None
    if request.method == "POST":
        code = request.POST.get("proposal", "")
        proposal = next((p for p in proposals if p.code == code), None)
        if proposal is None:
            raise Http404
        bound = OutcomeForm(request.POST, proposal=proposal)
        if _save(request, proposal, bound):
            messages.success(request, _("Saved “%(title)s”.") % {"title": proposal.title})
            url = reverse("debate:session_notes", args=[session.workshop.code, session.code])
            return redirect(f"{url}#proposal-{proposal.code}")
    return render(
        request,
        "debate/live_notes.html",
        {
            "workshop": session.workshop,
            "session": session,
            # After any save: the localised criteria are for the page only.
            "items": _items(selectors.proposals_localise(proposals), bound),
            "post_url": request.path,
        },
        status=_status(bound),
    )


@permission_required("debate.manage_debate", lookup=lookups.proposal)
def proposal_outcome(request, proposal: Proposal):
    bound = None
    if request.method == "POST":
        bound = OutcomeForm(request.POST, proposal=proposal)
        if _save(request, proposal, bound):
            messages.success(request, _("Saved “%(title)s”.") % {"title": proposal.title})
            return redirect("debate:proposal_outcome", proposal.workshop.code, proposal.code)
    return render(
        request,
        "debate/live_notes.html",
        {
            "workshop": proposal.workshop,
            "session": None,
            "items": _items(selectors.proposals_localise([proposal]), bound),
            "post_url": request.path,
        },
        status=_status(bound),
    )


@permission_required("debate.manage_debate", lookup=lookups.proposal, anonymous=logged_out)
@require_POST
def proposal_outcome_autosave(request, proposal: Proposal):
    """The autosave of one proposal's outcome form, answered as JSON."""
    form = OutcomeForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return invalid_form_json(form)
    try:
        saved = _record(request, proposal, form)
    except StaleEditError as stale:
        return json_error(
            _("someone else changed this."),
            409,
            current_revision=stale.current,
            current_text=_stale_text(stale),
        )
    except ValidationError as error:
        return json_error(" ".join(error.messages), 400)
    return saved_json(revision=saved.outcome_revision, updated_at=saved.updated_at)
