"""The submitters' page of their reviews, once staff release them: the final consolidated
assessment first, if there is one, then the reviews, "Reviewer A", never a name, cut to what
the submitters may read (reviews.selectors.visibility)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import permission_required
from reviews import lookups
from reviews.selectors import visibility as selectors
from reviews.selectors.consolidation import final_consolidation
from submissions.models import Submission


@permission_required("reviews.read_reviews_of_submission", lookup=lookups.submission)
@require_GET
def submission_reviews(request, submission: Submission):
    released = selectors.reviews_released(workshop=submission.workshop)
    reviews = (
        selectors.reviews_shared_with_submitter(user=request.user, submission=submission)
        if released
        else []
    )
    # The final consolidated assessment comes first, released with the reviews.
    consolidated = final_consolidation(submission=submission, localise=True) if released else None
    return render(
        request,
        "reviews/reviewing/submission_reviews.html",
        {
            "submission": submission,
            "released": released,
            "consolidated": consolidated,
            "reviews": reviews,
        },
    )
