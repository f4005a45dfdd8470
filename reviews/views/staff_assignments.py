"""Staff page of one submission's reviewers: assignments, candidates, conflicts.

Every POST goes to its own small view, calls one service and redirects back to the page; a
form with errors re-renders the page with status 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.filters import filters_from
from portal.forms import add_service_errors
from portal.languages import reads_language
from portal.permissions import permission_required
from reviews import lookups
from reviews.forms.consolidation import LeadForm
from reviews.forms.staff import (
    AssignForm,
    AssignmentExtendForm,
    ConflictDecisionForm,
    ConflictRevokeForm,
    ReviewerSearchForm,
)
from reviews.models import Assignment, ConflictRecord
from reviews.selectors.conflicts import conflicted_pairs
from reviews.selectors.consolidation import consolidation_of_submission
from reviews.selectors.progress import (
    CANDIDATE_SEARCH_LIMIT,
    assignments_of_submission,
    conflict_record_active,
    conflict_records_of_submission,
    reviewer_by_application_code,
    reviewer_candidates,
    reviewer_candidates_search,
)
from reviews.services.assignments import assignment_create, assignment_extend, assignment_remove
from reviews.services.conflicts import conflict_dismiss, conflict_record, conflict_revoke
from submissions.models import Submission

Action = ConflictRecord.Action

# Conflict status of a reviewer for this submission, as shown next to their name.
STATUS_CONFLICT = "conflict"
STATUS_RECORDED = "recorded"
STATUS_DISMISSED = "dismissed"
STATUS_NONE = "none"
STATUS_LABELS = {
    STATUS_CONFLICT: gettext_lazy("Conflict of interest"),
    STATUS_RECORDED: gettext_lazy("Conflict recorded by staff"),
    STATUS_DISMISSED: gettext_lazy("Conflict dismissed by staff"),
    STATUS_NONE: gettext_lazy("No known conflict"),
}


def _page_data(submission: Submission, *, query: str = "", code: str = "") -> dict:
    """Everything the page shows, in a fixed number of queries whatever the call's size:
    the assignments, the approved reviewers among them, the reviewers a search for `query`
    finds (never every reviewer of the call), and the one a form posted by `code`."""
    workshop = submission.workshop
    assignments = list(assignments_of_submission(submission=submission))
    assigned_ids = {a.reviewer_id for a in assignments}
    found = reviewer_candidates_search(submission=submission, query=query)
    assigned = list(reviewer_candidates(workshop=workshop, ids=assigned_ids))
    posted = list(reviewer_candidates(workshop=workshop, code=code)) if code else []
    records = list(conflict_records_of_submission(submission=submission))
    pairs = conflicted_pairs(
        workshop=workshop,
        reviewer_ids={r.pk for r in (*found, *assigned, *posted)} | assigned_ids,
        submission_ids={submission.pk},
    )
    active = {(r.reviewer_id, r.action) for r in records if r.revoked_at is None}

    def status(user_id: int) -> str:
        if (submission.pk, user_id) in pairs:
            return STATUS_RECORDED if (user_id, Action.RECORDED) in active else STATUS_CONFLICT
        if (user_id, Action.DISMISSED) in active:
            return STATUS_DISMISSED
        return STATUS_NONE

    language = submission.language
    reads = {r.pk: reads_language(r.review_languages, language) for r in (*assigned, *posted)}
    for assignment in assignments:
        assignment.conflict_status = status(assignment.reviewer_id)
        assignment.conflict_label = STATUS_LABELS[assignment.conflict_status]
        # Unknown (no approved application now): no warning.
        assignment.reads_language = reads.get(assignment.reviewer_id, True)
    for reviewer in (*found, *assigned, *posted):
        reviewer.conflict_status = status(reviewer.pk)
        reviewer.conflict_label = STATUS_LABELS[reviewer.conflict_status]
        reviewer.reads_language = reads_language(reviewer.review_languages, language)
    for record in records:
        record.revocable = record.revoked_at is None and record.action in (
            Action.RECORDED,
            Action.DISMISSED,
        )
    candidates = found[:CANDIDATE_SEARCH_LIMIT]
    return {
        "assignments": assignments,
        "query": query,
        "candidates": candidates,
        "more_candidates": len(found) > CANDIDATE_SEARCH_LIMIT,
        # Whom the conflict form offers: the approved reviewers assigned, then those found.
        "reviewers": [*assigned, *(r for r in candidates if r.pk not in assigned_ids)],
        # The reviewer a form names by code, assigned or not (validation only).
        "posted": posted,
        "records": records,
        # The consolidated assessment and the form naming its lead.
        "consolidation": consolidation_of_submission(submission=submission),
        "lead_form": LeadForm(
            assignments=[a for a in assignments if a.state == Assignment.State.ACCEPTED]
        ),
    }


def _label(reviewer, *, submission: Submission, with_load: bool) -> str:
    parts = [f"{reviewer} ({reviewer.email})"]
    if with_load:
        parts.append(
            _("%(load)s of %(max)s reviews") % {"load": reviewer.load, "max": reviewer.max_reviews}
        )
    if (
        submission.confidentiality == Submission.Confidentiality.AI_OFFICE_ONLY
        and not reviewer.cleared_for_confidential
    ):
        parts.append(_("not cleared for “AI Office only”"))
    if not reviewer.reads_language:
        parts.append(
            _("does not review in %(language)s") % {"language": submission.get_language_display()}
        )
    parts.append(str(reviewer.conflict_label))
    return " · ".join(parts)


def _choices(reviewers, submission: Submission, *, with_load: bool) -> list:
    return [
        (r.application_code, _label(r, submission=submission, with_load=with_load))
        for r in reviewers
    ]


def _assign_choices(data: dict, submission: Submission) -> list:
    """The reviewers found, and the one posted if it is still assignable (a search made
    before another member of staff assigned them no longer offers them)."""
    assigned_ids = {a.reviewer_id for a in data["assignments"]}
    found_ids = {r.pk for r in data["candidates"]}
    posted = [r for r in data["posted"] if r.pk not in assigned_ids and r.pk not in found_ids]
    return _choices([*data["candidates"], *posted], submission, with_load=True)


def _conflict_choices(data: dict, submission: Submission) -> list:
    listed = {r.pk for r in data["reviewers"]}
    posted = [r for r in data["posted"] if r.pk not in listed]
    return _choices([*data["reviewers"], *posted], submission, with_load=False)


def _render_page(request, submission, *, data, search_form, assign_form=None, conflict_form=None):
    invalid = bool((assign_form and assign_form.errors) or (conflict_form and conflict_form.errors))
    query = data["query"]
    return render(
        request,
        "reviews/staff/submission_reviewers.html",
        {
            "submission": submission,
            "workshop": submission.workshop,
            **data,
            "search_form": search_form,
            "search_limit": CANDIDATE_SEARCH_LIMIT,
            "assign_form": assign_form
            or AssignForm(choices=_assign_choices(data, submission), initial={"q": query}),
            "conflict_form": conflict_form
            or ConflictDecisionForm(
                choices=_conflict_choices(data, submission), initial={"q": query}
            ),
        },
        status=400 if invalid or search_form.errors else 200,
    )


def _posted_query(request) -> ReviewerSearchForm:
    """The search a POST carries along (a hidden field), to show its results again."""
    form = ReviewerSearchForm({"q": request.POST.get("q", "")})
    form.is_valid()
    return form


@permission_required("reviews.assign_reviewers", lookup=lookups.submission)
def submission_reviewers(request, submission: Submission):
    search_form = filters_from(request, ReviewerSearchForm)
    data = _page_data(submission, query=search_form.query)
    return _render_page(request, submission, data=data, search_form=search_form)


@permission_required("reviews.assign_reviewers", lookup=lookups.submission)
@require_POST
def assignment_add(request, submission: Submission):
    search_form = _posted_query(request)
    data = _page_data(
        submission, query=search_form.query, code=request.POST.get("reviewer", "")[:16]
    )
    form = AssignForm(request.POST, choices=_assign_choices(data, submission))
    if form.is_valid():
        reviewer = reviewer_by_application_code(
            workshop=submission.workshop, code=form.cleaned_data["reviewer"]
        )
        try:
            assignment_create(submission=submission, reviewer=reviewer, user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was assigned and told by email.") % {"name": reviewer},
            )
            _warn_language(request, submission, code=form.cleaned_data["reviewer"], data=data)
            return redirect("reviews:staff_submission_reviewers", code=submission.code)
    return _render_page(request, submission, data=data, search_form=search_form, assign_form=form)


def _warn_language(request, submission: Submission, *, code: str, data: dict) -> None:
    """Staff may assign a reviewer who does not review in the documents' language (the
    automatic assignment never does); say so once more after the fact."""
    chosen = [r for r in (*data["candidates"], *data["posted"]) if r.application_code == code]
    if chosen and not chosen[0].reads_language:
        messages.warning(
            request,
            _(
                "%(name)s does not review in %(language)s, the language of this "
                "evaluation's documents."
            )
            % {"name": chosen[0], "language": submission.get_language_display()},
        )


@permission_required("reviews.assign_reviewers", lookup=lookups.submission_assignment)
@require_POST
def assignment_remove_view(request, assignment: Assignment):
    submission = assignment.submission
    try:
        assignment_remove(assignment=assignment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The assignment of %(name)s was removed.") % {"name": assignment.reviewer},
        )
    return redirect("reviews:staff_submission_reviewers", code=submission.code)


@permission_required("reviews.extend_review_deadline", lookup=lookups.submission_assignment)
def assignment_extend_view(request, assignment: Assignment):
    submission = assignment.submission
    workshop = submission.workshop
    form = AssignmentExtendForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_extend(
                assignment=assignment, deadline=form.cleaned_data["deadline"], user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The deadline of %(name)s was extended; they were told by email.")
                % {"name": assignment.reviewer},
            )
            return redirect("reviews:staff_submission_reviewers", code=submission.code)
    return render(
        request,
        "reviews/staff/assignment_extend.html",
        {
            "submission": submission,
            "workshop": workshop,
            "assignment": assignment,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@permission_required("reviews.decide_conflicts", lookup=lookups.submission)
@require_POST
def conflict_decide(request, submission: Submission):
    search_form = _posted_query(request)
    data = _page_data(
        submission, query=search_form.query, code=request.POST.get("reviewer", "")[:16]
    )
    form = ConflictDecisionForm(request.POST, choices=_conflict_choices(data, submission))
    if form.is_valid():
        reviewer = reviewer_by_application_code(
            workshop=submission.workshop, code=form.cleaned_data["reviewer"]
        )
        decide = conflict_record if form.cleaned_data["action"] == "record" else conflict_dismiss
        try:
            decide(
                reviewer=reviewer,
                submission=submission,
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision was saved in the audit trail."))
            return redirect("reviews:staff_submission_reviewers", code=submission.code)
    return _render_page(request, submission, data=data, search_form=search_form, conflict_form=form)


@permission_required("reviews.decide_conflicts", lookup=lookups.submission)
@require_POST
def conflict_revoke_view(request, submission: Submission):
    form = ConflictRevokeForm(request.POST)
    if not form.is_valid():
        raise Http404
    reviewer = reviewer_by_application_code(
        workshop=submission.workshop, code=form.cleaned_data["reviewer"]
    )
    record = conflict_record_active(
        submission=submission, reviewer=reviewer, action=form.cleaned_data["action"]
    )
    if record is None:
        messages.error(
            request, _("There is no such decision to revoke; it may already be revoked.")
        )
    else:
        try:
            conflict_revoke(record=record, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The decision was revoked; it stays in the audit trail."))
    return redirect("reviews:staff_submission_reviewers", code=submission.code)
