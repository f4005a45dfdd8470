"""Pages of the criteria debate: the proposals of a workshop, one proposal with its
discussion, and the staff's next criteria version made from the accepted proposals."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from debate import lookups, selectors, services
from debate.forms import (
    LINK_SEARCH,
    CommentForm,
    DuplicateForm,
    ProposalForm,
    ProposalListForm,
    StanceForm,
)
from debate.models import Proposal
from portal import lookups as portal_lookups
from portal.filters import filters_from
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
            "proposals": page.object_list,
            "page": page,
            "filter_form": form,
            "is_staff": has_perm(request.user, "debate.manage_debate", workshop),
        },
        status=form.status,
    )


def _form(request, workshop: Workshop, data=None, initial=None) -> ProposalForm:
    _current, criteria = selectors.criteria_for_proposals(workshop=workshop)
    return ProposalForm(
        data,
        initial=initial,
        criteria=criteria,
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
            "proposal": proposal,
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
            "pending": pending,
            "applied": [p for p in accepted if p.applied_in_id is not None],
        },
    )
