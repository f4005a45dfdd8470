"""Reviews: a reviewer's own (and, for staff, every submitted one), read and written
through the review page's lookup, permission and services.

Writing is optimistic, as on the review page: the `ETag` of a review is its revision, and a
change must send it back in `If-Match` (428 without, 412 when someone saved in between).
`PATCH` saves a draft (types checked, as the page's autosave); `POST …/submit/` submits it
with what the page's Submit checks (every criterion, justification length). A submitted
review changes only by submitting again, as on the page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from api.preconditions import etag, if_match_revision
from api.problems import CONTENT_TYPE, PreconditionFailed, problem
from api.serializers.reviews import (
    ReviewFilterSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
)
from api.views.base import Access, Endpoint
from criteria.models import Criterion
from portal.concurrency import StaleEditError
from portal.permissions import has_perm
from reviews import lookups
from reviews.selectors import visibility as selectors
from reviews.services import reviewing as services
from reviews.services.reviewing import ReviewClosedError, ReviewInput, ScoreInput, score_key

# Staff name reviewers on their pages; a reviewer reads only their own reviews.
_NAMES_REVIEWERS = "reviews.view_progress"

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=True,
    description="The review's ETag, as the last GET (or change) returned it.",
)


def _context(request, reviews) -> dict:
    context = {"request": request, "reviewer_labels": None}
    if has_perm(request.user, _NAMES_REVIEWERS):
        context["reviewer_labels"] = selectors.reviewer_labels_by_submission(
            submission_ids=sorted({r.assignment.submission_id for r in reviews})
        )
    return context


class ReviewList(Endpoint):
    """Your reviews (any state); staff: every submitted review too, with its reviewer."""

    access = {"GET": Access("reviews.see_own_assignments", scope="reviews:read")}
    serializer_class = ReviewSerializer
    filter_backends = []

    @extend_schema(parameters=[ReviewFilterSerializer])
    def get(self, request):
        params = ReviewFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        reviews = selectors.reviews_filter(
            selectors.reviews_visible_to(user=request.user), **params.validated_data
        )
        reviews = selectors.reviews_for_listing(
            reviews, with_reviewer=has_perm(request.user, _NAMES_REVIEWERS)
        ).order_by("pk")  # creation order; the index lets a page skip sorting them all
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(
            ReviewSerializer(page, many=True, context=_context(request, page)).data
        )


def _merged(review, data: dict) -> ReviewInput:
    """The saved review with the change applied; scores named by criterion code."""
    merged = services.review_input_from_review(review=review, scores=list(review.scores.all()))
    for name in services.OVERALL_FIELDS:
        if name in data:
            setattr(merged, name, data[name])
    by_code = {c.code: c for c in Criterion.objects.filter(criteria_set=review.criteria_set_id)}
    for item in data.get("scores", []):
        criterion = by_code.get(item["criterion"])
        if criterion is None:
            raise exceptions.ValidationError(
                {"scores": [_("The review names a criterion that is not in its set.")]}
            )
        score = merged.scores.setdefault(criterion.pk, ScoreInput())
        for part, value in item.items():
            if part != "criterion":
                setattr(score, part, value)
        if item.get("level") is not None and "not_applicable" not in item:
            score.not_applicable = False
        if item.get("not_applicable") and "level" not in item:
            score.level = None
    return merged


def _field_names(review) -> dict[str, str]:
    """The services' field names (score_key, by criterion id) as the API names them."""
    names = {}
    for criterion_id, code in Criterion.objects.filter(
        criteria_set=review.criteria_set_id
    ).values_list("pk", "code"):
        for part in (
            "level",
            "na_reason",
            "justification",
            "evidence",
            "tag",
            "feedback_clear",
            "feedback_applicable",
            "feedback_suggestion",
        ):
            names[score_key(criterion_id, part)] = f"scores.{code}.{part}"
    return names


def _save(request, review, save) -> Response:
    """Run a save (draft or submit) and answer as the review page would, in JSON."""
    revision = if_match_revision(request)
    if revision is None:
        revision = 0  # no review is at revision 0: answered as stale
    body = ReviewInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = _merged(review, body.validated_data)
    try:
        save(review=review, user=request.user, revision=revision, data=data)
    except StaleEditError as stale:
        # Nothing was saved; the answer names the current ETag to read the review again.
        current = etag(stale.current)
        detail = _(
            "This review was saved by someone else (another tab, window or script) after "
            "you read it. Nothing was saved: read it again (current ETag %(etag)s) and apply "
            "your change to it."
        ) % {"etag": current}
        return Response(
            problem(412, detail, code=PreconditionFailed.default_code, etag=current),
            status=412,
            headers={"ETag": current},
            content_type=CONTENT_TYPE,
        )
    except ReviewClosedError as closed:
        raise exceptions.PermissionDenied(closed.message) from None
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        names = _field_names(review)
        raise exceptions.ValidationError(
            {names.get(key, key): messages for key, messages in error.message_dict.items()}
        ) from None
    saved = lookups.review(request, review.code).review
    response = Response(ReviewSerializer(saved, context=_context(request, [saved])).data)
    response["ETag"] = etag(saved.revision)
    return response


class ReviewDetail(Endpoint):
    access = {
        "GET": Access("reviews.see_own_assignments", scope="reviews:read", lookup=lookups.review),
        "PATCH": Access("reviews.write_review", scope="reviews:write", lookup=lookups.review),
    }
    serializer_class = ReviewSerializer

    @extend_schema(operation_id="review_detail")
    def get(self, request, code):
        review = self.object.review
        response = Response(ReviewSerializer(review, context=_context(request, [review])).data)
        response["ETag"] = etag(review.revision)
        return response

    @extend_schema(
        operation_id="review_update",
        parameters=[IF_MATCH],
        request=ReviewInputSerializer,
        responses={
            200: ReviewSerializer,
            400: OpenApiResponse(description="Invalid input, or the review is submitted."),
            412: OpenApiResponse(description="Someone saved the review after you read it."),
            428: OpenApiResponse(description="No If-Match header."),
        },
    )
    def patch(self, request, code):
        """Save a draft: the fields sent replace the saved ones, the rest stays."""
        return _save(request, self.object.review, services.review_save_draft)


class ReviewSubmit(Endpoint):
    access = {
        "POST": Access("reviews.write_review", scope="reviews:write", lookup=lookups.review),
    }
    serializer_class = ReviewSerializer

    @extend_schema(
        operation_id="review_submit",
        parameters=[IF_MATCH],
        request=ReviewInputSerializer,
        responses={
            200: ReviewSerializer,
            400: OpenApiResponse(description="Something a submit needs is missing."),
            412: OpenApiResponse(description="Someone saved the review after you read it."),
            428: OpenApiResponse(description="No If-Match header."),
        },
    )
    def post(self, request, code):
        """Submit (or submit again), with any change sent applied first. Nothing is saved
        when something is missing: every problem is listed under `errors`."""
        return _save(request, self.object.review, services.review_submit)
