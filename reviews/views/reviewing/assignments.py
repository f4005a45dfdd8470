"""My reviews, and answering an assignment (accept, or decline with a reason)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.forms import add_service_errors
from portal.permissions import permission_required
from reviews import lookups
from reviews.forms.reviewing import DeclineForm
from reviews.models import Assignment
from reviews.selectors import visibility as selectors
from reviews.services import reviewing as services


@permission_required("reviews.see_own_assignments")
@require_GET
def review_list(request):
    rows = selectors.assignment_rows_for_reviewer(user=request.user)
    return render(request, "reviews/reviewing/review_list.html", {"rows": rows})


@permission_required("reviews.answer_assignment", lookup=lookups.assignment)
@require_POST
def assignment_accept(request, assignment: Assignment):
    try:
        services.assignment_accept(assignment=assignment, user=request.user)
    except ValidationError as error:
        # Answered meanwhile, in another tab.
        messages.error(request, " ".join(error.messages))
        return redirect("reviews:review_list")
    messages.success(request, _("Thank you. You accepted this review."))
    return redirect("reviews:review_detail", code=assignment.code)


@permission_required("reviews.answer_assignment", lookup=lookups.assignment)
def assignment_decline(request, assignment: Assignment):
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_decline(
                assignment=assignment, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("You declined the review. The AI Office was told why."))
            return redirect("reviews:review_list")
    return render(
        request,
        "reviews/reviewing/assignment_decline.html",
        {
            "assignment": assignment,
            "submission": selectors.submission_for_reviewer(assignment=assignment),
            "form": form,
        },
    )
