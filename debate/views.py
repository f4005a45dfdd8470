"""Pages of the criteria debate: the proposals of a workshop, one proposal with its
discussion, the staff's next criteria version made from the accepted proposals, and the
workshop agenda (the participants' page, its iCalendar file and the staff's editor)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from debate import lookups, selectors, services
from debate.forms import (
    LINK_SEARCH,
    AgendaSessionForm,
    CommentForm,
    DuplicateForm,
    ProposalForm,
    ProposalListForm,
    StanceForm,
)
from debate.ical import agenda_calendar
from debate.models import AgendaSession, Proposal
from portal import lookups as portal_lookups
from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.markup import render_markdown
from portal.models import Workshop
from portal.permissions import has_perm, permission_required

PER_PAGE = 25


@permission_required("debate.take_part", lookup=portal_lookups.workshop)
def proposal_list(request, workshop: Workshop):
    form = filters_from(request, ProposalListForm)
    values = form.filters()
    filters = selectors.ProposalFilters(
        kind=values["kind"],
        criterion=values["criterion"],
        status=values["status"],
        mine=values["mine"],
        query=values["q"],
    )
    page = Paginator(
        selectors.proposals_for_list(user=request.user, workshop=workshop, filters=filters),
        PER_PAGE,
    ).get_page(form.page_number)
    return render(
        request,
        "debate/proposal_list.html",
        {
            "workshop": workshop,
            "proposals": selectors.proposals_localise(page.object_list),
            "page": page,
            "filter_form": form,
            "is_staff": has_perm(request.user, "debate.manage_debate", workshop),
        },
        status=form.status,
    )


def _form(request, workshop: Workshop, data=None, initial=None) -> ProposalForm:
    current, criteria = selectors.criteria_for_proposals(workshop=workshop)
    return ProposalForm(
        data,
        initial=initial,
        criteria=criteria,
        criterion_titles=selectors.criteria_picker_titles(criteria_set=current),
        submissions=selectors.linkable_submissions(user=request.user, workshop=workshop),
        reviews=selectors.linkable_reviews(user=request.user, workshop=workshop),
    )


def _typed_values(query) -> dict:
    """What the user typed (a GET query or a POST asking for a search), as the initial values
    of an unbound form: a search reloads the form without judging a half-filled one."""
    multiple = {"other_criteria", "submissions", "reviews"}
    return {
        key: query.getlist(key) if key in multiple else query.get(key)
        for key in query
        if key not in ("csrfmiddlewaretoken", "search", "partial")
    }


def _render_form(request, workshop: Workshop, form: ProposalForm, *, status: int = 200):
    partial = request.GET.get("partial")
    if request.method == "GET" and partial in LINK_SEARCH:
        # The search of static/debate/proposal-links.js: only the checkboxes of one list.
        return render(
            request,
            "debate/_link_choices.html",
            {"links": form.link_choices(partial)},
        )
    return render(
        request,
        "debate/proposal_form.html",
        {
            "workshop": workshop,
            "form": form,
            "link_lists": [form.link_choices(name) for name in LINK_SEARCH],
        },
        status=status,
    )


@permission_required("debate.take_part", lookup=portal_lookups.workshop)
def proposal_create(request, workshop: Workshop):
    if request.method != "POST":
        return _render_form(
            request, workshop, _form(request, workshop, initial=_typed_values(request.GET))
        )
    if "search" in request.POST:
        # A search button (without JavaScript): the same form again, with the new matches.
        form = _form(request, workshop, initial=_typed_values(request.POST))
        return _render_form(request, workshop, form)
    form = _form(request, workshop, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                workshop=workshop,
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                rationale=data["rationale"],
                criterion=data["criterion"],
                other_criteria=list(data["other_criteria"]),
                proposed_text=data["proposed_text"],
                level=data["level"],
                attribution_consent=data["attribution_consent"],
                submissions=list(data["submissions"]),
                reviews=list(data["reviews"]),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your proposal was published."))
            return redirect("debate:proposal_detail", workshop.code, proposal.code)
    return _render_form(request, workshop, form, status=400)


@permission_required("debate.see_proposal", lookup=lookups.proposal)
def proposal_detail(request, proposal: Proposal):
    comments = [
        (comment, render_markdown(comment.body) if comment.removed_at is None else "")
        for comment in selectors.proposal_comments(proposal=proposal)
    ]
    return render(
        request,
        "debate/proposal_detail.html",
        {
            "workshop": proposal.workshop,
            "proposal": selectors.proposals_localise([proposal])[0],
            "rationale_html": render_markdown(proposal.rationale),
            "comments": comments,
            "linked_submissions": selectors.linkable_submissions(
                user=request.user, workshop=proposal.workshop
            ).filter(proposals=proposal),
            "linked_reviews": selectors.linkable_reviews(
                user=request.user, workshop=proposal.workshop
            ).filter(proposals=proposal),
            "stance": selectors.stance_of(user=request.user, proposal=proposal),
            "comment_form": CommentForm(),
            "duplicate_form": DuplicateForm(
                initial={"duplicate_of": getattr(proposal.duplicate_of, "code", "")}
            ),
            "can_discuss": has_perm(request.user, "debate.discuss_proposal", proposal),
            "can_withdraw": has_perm(request.user, "debate.withdraw_proposal", proposal),
            "is_staff": has_perm(request.user, "debate.manage_debate", proposal),
        },
    )


def _back(proposal: Proposal):
    return redirect("debate:proposal_detail", proposal.workshop.code, proposal.code)


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@permission_required("debate.discuss_proposal", lookup=lookups.proposal)
@require_POST
def proposal_comment(request, proposal: Proposal):
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment."))
        return _back(proposal)
    try:
        services.proposal_comment_add(
            proposal=proposal, user=request.user, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Your comment was added."))
    return _back(proposal)


@permission_required("debate.discuss_proposal", lookup=lookups.proposal)
@require_POST
def proposal_stance(request, proposal: Proposal):
    form = StanceForm(request.POST)
    if form.is_valid():
        services.proposal_stance_set(
            proposal=proposal, user=request.user, stance=form.cleaned_data["stance"]
        )
        messages.success(request, _("Your position was saved."))
    else:
        messages.error(request, _("Choose support or objection."))
    return _back(proposal)


@permission_required("debate.withdraw_proposal", lookup=lookups.proposal)
@require_POST
def proposal_withdraw(request, proposal: Proposal):
    services.proposal_withdraw(proposal=proposal, user=request.user)
    messages.success(request, _("Your proposal was withdrawn."))
    return _back(proposal)


@permission_required("debate.manage_debate", lookup=lookups.proposal)
@require_POST
def proposal_group(request, proposal: Proposal):
    form = DuplicateForm(request.POST)
    main = None
    if form.is_valid() and form.cleaned_data["duplicate_of"]:
        main = Proposal.objects.filter(
            workshop=proposal.workshop, code=form.cleaned_data["duplicate_of"]
        ).first()
        if main is None:
            messages.error(request, _("No proposal of this workshop has that code."))
            return _back(proposal)
    try:
        services.proposal_group_duplicate(proposal=proposal, duplicate_of=main, user=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Grouping saved."))
    return _back(proposal)


@permission_required("debate.manage_debate", lookup=portal_lookups.workshop)
def next_version(request, workshop: Workshop):
    accepted = list(selectors.accepted_proposals(workshop=workshop))
    pending = [p for p in accepted if p.applied_in_id is None]
    if request.method == "POST":
        chosen = set(request.POST.getlist("proposals"))
        picked = [p for p in pending if p.code in chosen]
        try:
            result = services.criteria_set_next_from_proposals(
                workshop=workshop, proposals=picked, user=request.user
            )
        except ValidationError as error:
            _report(request, error)
        else:
            messages.success(
                request,
                _(
                    "Version %(version)d was created with %(applied)d proposals applied. "
                    "Check it in the editor before reviews use it."
                )
                % {"version": result.criteria_set.version, "applied": len(result.applied)},
            )
            for proposal, why in result.left:
                messages.warning(
                    request,
                    _("Edit by hand: “%(title)s”: %(why)s") % {"title": proposal.title, "why": why},
                )
            return redirect("criteria:editor", workshop.code)
    return render(
        request,
        "debate/next_version.html",
        {
            "workshop": workshop,
            # After the service: the localised criteria are for the page only.
            "pending": selectors.proposals_localise(pending),
            "applied": [p for p in accepted if p.applied_in_id is not None],
        },
    )


# --- the workshop agenda ------------------------------------------------------------------


def _agenda_context(request, workshop: Workshop) -> dict:
    sessions = selectors.agenda_for_workshop(user=request.user, workshop=workshop, localise=True)
    return {
        "workshop": workshop,
        "sessions": sessions,
        "days": selectors.agenda_by_day(sessions),
        "is_staff": has_perm(request.user, "debate.manage_debate", workshop),
    }


@permission_required("debate.take_part", lookup=portal_lookups.workshop)
def agenda(request, workshop: Workshop):
    return render(request, "debate/agenda.html", _agenda_context(request, workshop))


@permission_required("debate.take_part", lookup=portal_lookups.workshop)
def agenda_ics(request, workshop: Workshop):
    sessions = selectors.agenda_for_workshop(user=request.user, workshop=workshop)
    body = agenda_calendar(workshop=workshop, sessions=sessions, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="agenda-{workshop.code}.ics"'
    return response


@permission_required("debate.manage_debate", lookup=portal_lookups.workshop)
def agenda_manage(request, workshop: Workshop):
    return render(request, "debate/agenda_manage.html", _agenda_context(request, workshop))


def _session_form(workshop: Workshop, data=None, initial=None) -> AgendaSessionForm:
    current, criteria = selectors.criteria_for_proposals(workshop=workshop)
    return AgendaSessionForm(
        data,
        initial=initial,
        workshop=workshop,
        people=selectors.agenda_people(workshop=workshop),
        criteria=criteria,
        criterion_titles=selectors.criteria_picker_titles(criteria_set=current),
        proposals=selectors.agenda_proposals(workshop=workshop),
    )


def _session_input(form: AgendaSessionForm) -> services.AgendaSessionInput:
    data = form.cleaned_data
    return services.AgendaSessionInput(
        title=data["title"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        room=data["room"],
        chair=data["chair"],
        note_taker=data["note_taker"],
        criteria=list(data["criteria"]),
        proposals=list(data["proposals"]),
        description=data["description"],
    )


def _session_save(request, workshop: Workshop, form: AgendaSessionForm, session=None):
    """Save through the service; its errors go onto the form's fields."""
    try:
        if session is None:
            services.agenda_session_create(
                workshop=workshop, user=request.user, data=_session_input(form)
            )
        else:
            services.agenda_session_update(
                session=session, user=request.user, data=_session_input(form)
            )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("The agenda was saved."))
    return redirect("debate:agenda_manage", workshop.code)


def _session_page(request, workshop: Workshop, form: AgendaSessionForm, session=None):
    return render(
        request,
        "debate/agenda_form.html",
        {"workshop": workshop, "form": form, "session": session},
        status=400 if form.errors else 200,
    )


@permission_required("debate.manage_debate", lookup=portal_lookups.workshop)
def agenda_session_create(request, workshop: Workshop):
    if request.method == "POST":
        form = _session_form(workshop, request.POST)
        if form.is_valid() and (done := _session_save(request, workshop, form)):
            return done
    else:
        form = _session_form(workshop)
    return _session_page(request, workshop, form)


@permission_required("debate.manage_debate", lookup=lookups.agenda_session)
def agenda_session_edit(request, session: AgendaSession):
    workshop = session.workshop
    if request.method == "POST":
        form = _session_form(workshop, request.POST)
        if form.is_valid() and (done := _session_save(request, workshop, form, session)):
            return done
    else:
        form = _session_form(
            workshop, initial=AgendaSessionForm.initial_from(session, workshop.tzinfo)
        )
    return _session_page(request, workshop, form, session)


@permission_required("debate.manage_debate", lookup=lookups.agenda_session)
def agenda_session_delete(request, session: AgendaSession):
    workshop = session.workshop
    if request.method == "POST":
        services.agenda_session_delete(session=session, user=request.user)
        messages.success(request, _("The session was removed from the agenda."))
        return redirect("debate:agenda_manage", workshop.code)
    return render(
        request, "debate/agenda_confirm_delete.html", {"workshop": workshop, "session": session}
    )
