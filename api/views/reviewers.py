"""Reviewer applications and reviewers (staff), declared ties (conflicts of interest) and
bids, through the lookups, permissions, selectors and services of their browser pages."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.serializers.reviewers import (
    ApplicationFilterSerializer,
    ApplicationSerializer,
    ApplicationSummarySerializer,
    BidFilterSerializer,
    BidInputSerializer,
    BidSerializer,
    TieFilterSerializer,
    TieInputSerializer,
    TieSerializer,
)
from api.views.base import Access, Endpoint
from assignment import lookups as assignment_lookups
from assignment.selectors import bidding_rows
from assignment.services import ui as bid_services
from portal import lookups as portal_lookups
from portal import selectors as portal_selectors
from reviews import lookups, selectors, services
from reviews.models import ReviewerApplication
from reviews.selectors.visibility import submissions_for_bidding

STAFF_APPLICATIONS = "reviews.view_all_applications"


def _with_workshop(applications, workshop):
    # Every row is of the workshop the URL names: no query per row for its code.
    for application in applications:
        application.workshop = workshop
    return applications


class ApplicationList(Endpoint):
    """The applications to review for a call, newest first (the staff's list)."""

    access = {
        "GET": Access(STAFF_APPLICATIONS, scope="reviews:read", lookup=portal_lookups.workshop)
    }
    serializer_class = ApplicationSummarySerializer
    filter_backends = []

    @extend_schema(parameters=[ApplicationFilterSerializer])
    def get(self, request, workshop_code):
        params = ApplicationFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        applications = selectors.applications_for_staff_list(
            workshop=self.object, **params.validated_data
        )
        page = _with_workshop(self.paginate_queryset(applications), self.object)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ApplicationDetail(Endpoint):
    """An application as its page shows it: to its applicant and to staff."""

    access = {
        "GET": Access("reviews.see_application", scope="reviews:read", lookup=lookups.application)
    }
    serializer_class = ApplicationSerializer

    @extend_schema(operation_id="reviewer_application_detail")
    def get(self, request, code):
        application = self.object
        ties = list(selectors.ties_of_user(user=application.user, active_only=False))
        context = {"request": request, "ties": ties}
        return Response(ApplicationSerializer(application, context=context).data)


class ReviewerList(Endpoint):
    """A call's approved reviewers (the staff's list of applications, approved ones)."""

    access = {
        "GET": Access(STAFF_APPLICATIONS, scope="reviews:read", lookup=portal_lookups.workshop)
    }
    serializer_class = ApplicationSummarySerializer
    filter_backends = []

    def get(self, request, workshop_code):
        reviewers = selectors.applications_for_staff_list(
            workshop=self.object, state=ReviewerApplication.State.APPROVED
        )
        page = _with_workshop(self.paginate_queryset(reviewers), self.object)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- ties: the conflicts of interest a person declares -----------------------------------


class TieList(Endpoint):
    """Your declared ties (current and ended); staff also read applicants' ties, as each
    application's page shows them. POST declares a tie."""

    access = {
        "GET": Access("reviews.declare_ties", scope="reviews:read"),
        "POST": Access("reviews.declare_ties", scope="reviews:write"),
    }
    serializer_class = TieSerializer
    filter_backends = []

    @extend_schema(parameters=[TieFilterSerializer])
    def get(self, request):
        params = TieFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        workshop = None
        if code := params.validated_data.get("workshop"):
            workshop = (
                portal_selectors.workshops_visible_to(user=request.user).filter(code=code).first()
            )
            if workshop is None:
                raise exceptions.ValidationError({"workshop": [_("No such call.")]})
        ties = selectors.ties_visible_to(user=request.user, workshop=workshop)
        page = self.paginate_queryset(ties)
        return self.get_paginated_response(
            TieSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=TieInputSerializer, responses={201: TieSerializer})
    def post(self, request):
        body = TieInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tie = services.tie_add(
            user=request.user,
            organisation=body.validated_data.get("organisation"),
            provider=body.validated_data.get("provider"),
            tie_type=body.validated_data["tie_type"],
            note=body.validated_data.get("note", ""),
        )
        return Response(
            TieSerializer(tie, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class TieEnd(Endpoint):
    """Mark one of your ties as ended (it stays on record, as on the page)."""

    access = {"POST": Access("reviews.end_tie", scope="reviews:write", lookup=lookups.tie)}
    serializer_class = TieSerializer

    @extend_schema(request=None, responses={200: TieSerializer})
    def post(self, request, code):
        tie = services.tie_end(tie=self.object)
        return Response(TieSerializer(tie, context={"request": request}).data)


# --- bids --------------------------------------------------------------------------------


class BidList(Endpoint):
    """The submissions of a call you may bid on, in title order, with your bids: the
    bidding page's list (conflicted ones left out)."""

    access = {
        "GET": Access(
            "assignment.bid", scope="reviews:read", lookup=assignment_lookups.bidding_application
        )
    }
    serializer_class = BidSerializer
    filter_backends = []

    @extend_schema(parameters=[BidFilterSerializer])
    def get(self, request, workshop_code):
        params = BidFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        application = self.object
        visible = submissions_for_bidding(
            user=request.user,
            application=application,
            risk_area=params.validated_data.get("risk_area", ""),
        )
        page = self.paginate_queryset(visible.values_list("pk", flat=True))
        rows = bidding_rows(user=request.user, workshop=application.workshop, ids=list(page))
        return self.get_paginated_response(BidSerializer(rows, many=True).data)


class BidDetail(Endpoint):
    """Set your bid on one submission ("" withdraws it), as the bidding page saves it."""

    access = {
        "PUT": Access(
            "assignment.bid", scope="reviews:write", lookup=assignment_lookups.bidding_application
        )
    }
    serializer_class = BidSerializer

    @extend_schema(request=BidInputSerializer, responses={200: BidSerializer})
    def put(self, request, workshop_code, submission_code):
        application = self.object
        # Only what the bidding list shows: anything else does not exist for the caller.
        submission = (
            submissions_for_bidding(user=request.user, application=application)
            .filter(code=submission_code)
            .select_related("workshop", "organisation")
            .first()
        )
        if submission is None:
            raise Http404
        body = BidInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = bid_services.bids_update(
            reviewer=request.user,
            submissions={submission.code: submission},
            values={submission.code: body.validated_data["bid"]},
        )
        if outcome.errors:
            raise exceptions.ValidationError({"bid": outcome.errors})
        rows = bidding_rows(user=request.user, workshop=application.workshop, ids=[submission.pk])
        return Response(BidSerializer(rows[0]).data)
