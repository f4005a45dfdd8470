"""The consolidated assessment: staff name its lead (on the submission's Reviewers page);
the lead's page shows the individual reviews side by side per criterion, with disagreement
highlighted, and the lead's draft (autosave and optimistic locking as on the review form);
the lead circulates it, the other reviewers agree or dissent, staff finalise it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.concurrency import StaleEditError
from portal.forms import add_service_errors
from portal.permissions import has_perm, permission_required
from portal.rules import is_ai_office_staff
from reviews import lookups
from reviews.forms.consolidation import LEAD_SELF, ConcurrenceForm, ConsolidationForm, LeadForm
from reviews.models import Assignment, ConsolidatedAssessment
from reviews.selectors.consolidation import co_reviewer, consolidation_page
from reviews.services import consolidation as services
from reviews.views.reviewing.autosave import (
    invalid_form_json,
    json_error,
    logged_out,
    saved_json,
)
from submissions.models import Submission

STALE_MESSAGE = (
    "this assessment was saved in another tab or window, or by someone else, after you "
    "opened this page. Your text is kept in this browser: reload the page and restore it."
)


@permission_required("reviews.name_consolidation_lead", lookup=lookups.submission)
@require_POST
def consolidation_lead(request, submission: Submission):
    assignments = Assignment.objects.filter(
        submission=submission, state=Assignment.State.ACCEPTED
    ).select_related("reviewer")
    form = LeadForm(request.POST, assignments=assignments)
    if not form.is_valid():
        messages.error(request, _("Choose a lead reviewer."))
        return redirect("reviews:staff_submission_reviewers", code=submission.code)
    choice = form.cleaned_data["lead"]
    lead = (
        request.user
        if choice == LEAD_SELF
        else next(a.reviewer for a in assignments if a.code == choice)
    )
    try:
        assessment = services.consolidation_lead_name(
            submission=submission, lead=lead, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:staff_submission_reviewers", code=submission.code)
    messages.success(request, _("%(name)s leads the consolidated assessment.") % {"name": lead})
    if lead == request.user:
        return redirect("reviews:consolidation_detail", code=assessment.code)
    return redirect("reviews:staff_submission_reviewers", code=submission.code)


def _render(request, assessment, *, form=None, answer_form=None, status=200):
    user = request.user
    page = consolidation_page(assessment=assessment, named=is_ai_office_staff(user))
    can_edit = has_perm(user, "reviews.edit_consolidation", assessment)
    if can_edit and form is None:
        form = ConsolidationForm(rows=page.rows, initial={"revision": assessment.revision})
    can_answer = has_perm(user, "reviews.concur_consolidation", assessment) and co_reviewer(
        user=user, submission=assessment.submission
    )
    own = next((c for c in page.concurrences if c.reviewer_id == user.pk), None)
    if can_answer and answer_form is None:
        answer_form = ConcurrenceForm(
            initial={
                "agrees": "no" if own and not own.agrees else "yes",
                "dissent_note": own.dissent_note if own else "",
            }
        )
    return render(
        request,
        "reviews/consolidation/detail.html",
        {
            "assessment": assessment,
            "submission": assessment.submission,
            "page": page,
            "form": form if can_edit else None,
            "answer_form": answer_form if can_answer else None,
            "own_answer": own,
            "can_circulate": has_perm(user, "reviews.circulate_consolidation", assessment),
            "can_finalise": has_perm(user, "reviews.finalise_consolidation", assessment),
        },
        status=status,
    )


@permission_required("reviews.see_consolidation", lookup=lookups.consolidation)
def consolidation_detail(request, assessment: ConsolidatedAssessment):
    if request.method != "POST":
        return _render(request, assessment)
    if not has_perm(request.user, "reviews.edit_consolidation", assessment):
        raise PermissionDenied
    page = consolidation_page(assessment=assessment, named=is_ai_office_staff(request.user))
    form = ConsolidationForm(request.POST, rows=page.rows)
    if form.is_valid():
        try:
            services.consolidation_save_draft(
                assessment=assessment,
                user=request.user,
                revision=form.cleaned_data["revision"],
                scores=form.scores(),
            )
        except StaleEditError:
            form.add_error(None, _(STALE_MESSAGE))
            return _render(request, assessment, form=form, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("reviews:consolidation_detail", code=assessment.code)
    return _render(request, assessment, form=form, status=400)


@permission_required(
    "reviews.see_consolidation", lookup=lookups.consolidation, anonymous=logged_out
)
@require_POST
def consolidation_autosave(request, assessment: ConsolidatedAssessment):
    """The draft save of static/portal/review-autosave.js, answered as JSON."""
    if not has_perm(request.user, "reviews.edit_consolidation", assessment):
        return json_error(_("this assessment cannot be changed."), 403)
    page = consolidation_page(assessment=assessment, named=False)
    form = ConsolidationForm(request.POST, rows=page.rows)
    if not form.is_valid():
        return invalid_form_json(form)
    try:
        saved = services.consolidation_save_draft(
            assessment=assessment,
            user=request.user,
            revision=form.cleaned_data["revision"],
            scores=form.scores(),
        )
    except StaleEditError as stale:
        return json_error(_(STALE_MESSAGE), 409, current_revision=stale.current)
    except ValidationError as error:
        return json_error(" ".join(error.messages), 400)
    return saved_json(revision=saved.revision, updated_at=saved.updated_at)


@permission_required("reviews.circulate_consolidation", lookup=lookups.consolidation)
@require_POST
def consolidation_circulate(request, assessment: ConsolidatedAssessment):
    try:
        services.consolidation_circulate(assessment=assessment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The assessment was circulated to the other reviewers."))
    return redirect("reviews:consolidation_detail", code=assessment.code)


@permission_required("reviews.concur_consolidation", lookup=lookups.consolidation)
@require_POST
def consolidation_concur(request, assessment: ConsolidatedAssessment):
    form = ConcurrenceForm(request.POST)
    if form.is_valid():
        try:
            services.consolidation_concur(
                assessment=assessment,
                user=request.user,
                agrees=form.cleaned_data["agrees"],
                dissent_note=form.cleaned_data["dissent_note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer was saved."))
            return redirect("reviews:consolidation_detail", code=assessment.code)
    return _render(request, assessment, answer_form=form, status=400)


@permission_required("reviews.finalise_consolidation", lookup=lookups.consolidation)
@require_POST
def consolidation_finalise(request, assessment: ConsolidatedAssessment):
    services.consolidation_finalise(assessment=assessment, user=request.user)
    messages.success(request, _("The consolidated assessment is final."))
    return redirect("reviews:consolidation_detail", code=assessment.code)
