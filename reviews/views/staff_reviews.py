"""Staff's actions on one submitted review: reopening it for its reviewer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.forms import add_service_errors
from portal.permissions import permission_required
from reviews import lookups
from reviews.forms.staff import ReviewReopenForm
from reviews.models import Assignment, Review
from reviews.review_window import review_window_open
from reviews.services.reviewing import review_reopen as reopen


@permission_required("reviews.reopen_review", lookup=lookups.submission_assignment)
def review_reopen(request, assignment: Assignment):
    submission = assignment.submission
    review = Review.objects.filter(assignment=assignment).first()
    form = ReviewReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if review is None:
            form.add_error(None, _("The reviewer has not started this review."))
        else:
            try:
                reopen(review=review, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The review of %(name)s is a draft again; they were told by email.")
                    % {"name": assignment.reviewer},
                )
                return redirect("reviews:staff_submission_reviewers", code=submission.code)
    return render(
        request,
        "reviews/staff/review_reopen.html",
        {
            "submission": submission,
            "workshop": submission.workshop,
            "assignment": assignment,
            "review": review,
            "reopenable": review is not None and review.state == Review.State.SUBMITTED,
            "window_open": review_window_open(assignment=assignment),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
