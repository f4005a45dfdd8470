"""Aggregates of submitted reviews (staff): per criterion for one submission, and per
criterion across a call, from the aggregate pages' selectors."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.serializers.aggregates import (
    SubmissionAggregatesSerializer,
    WorkshopAggregatesSerializer,
)
from api.views.base import Access, Endpoint
from portal import lookups as portal_lookups
from reviews import lookups
from reviews.selectors import aggregates as selectors
from reviews.selectors import application_codes_of_reviewers
from reviews.selectors.visibility import reviewer_labels

VIEW_AGGREGATES = "reviews.view_aggregates"


def _stats(stats) -> dict:
    return {
        "count": stats.count,
        "na_count": stats.na_count,
        "mean": stats.mean,
        "median": stats.median,
        "sd": stats.sd,
        "min": stats.min,
        "max": stats.max,
        "disagreement": stats.disagreement,
        "tag_counts": dict(stats.tag_counts),
    }


class SubmissionAggregates(Endpoint):
    """Per criteria-set version the submission was scored under (newest first): each
    criterion's statistics and each reviewer's level, reviewers labelled as on the page."""

    access = {
        "GET": Access(VIEW_AGGREGATES, scope="reports:read", lookup=lookups.submission),
    }
    serializer_class = SubmissionAggregatesSerializer

    def get(self, request, code):
        submission = self.object
        labels = reviewer_labels(submission=submission)
        versions = selectors.submission_aggregates(
            submission=submission, reviewer_order=list(labels)
        )
        reviews = selectors.submitted_reviews_of_submission(submission=submission)
        codes = application_codes_of_reviewers(workshop=submission.workshop, user_ids=reviews)

        def reviewer(pk):
            review = reviews.get(pk)
            user = review.assignment.reviewer if review else None
            return {
                "label": labels.get(pk, _("Reviewer")),
                "application": codes.get(pk),
                "name": (user.full_name or user.email) if user else "",
            }

        data = {
            "submission": submission.code,
            "versions": [
                {
                    "criteria_set": version.criteria_set.code,
                    "version": version.criteria_set.version,
                    "reviewers": [reviewer(pk) for pk in version.reviewer_ids],
                    "criteria": [
                        {
                            "criterion": row.criterion.code,
                            "title": row.criterion.title,
                            "stats": _stats(row.stats),
                            "levels": [
                                {
                                    "reviewer": labels.get(pk, _("Reviewer")),
                                    "level": cell.level,
                                    "not_applicable": cell.not_applicable,
                                    "tag": cell.tag,
                                }
                                for pk, cell in zip(version.reviewer_ids, row.cells, strict=True)
                                if cell is not None
                            ],
                        }
                        for row in version.rows
                    ],
                }
                for version in versions
            ],
        }
        return Response(SubmissionAggregatesSerializer(data).data)


class WorkshopCriteriaAggregates(Endpoint):
    """Per criteria-set version scored in the call (newest first): each criterion's
    statistics across submissions, Krippendorff's alpha and how many disagree."""

    access = {
        "GET": Access(VIEW_AGGREGATES, scope="reports:read", lookup=portal_lookups.workshop),
    }
    serializer_class = WorkshopAggregatesSerializer

    @extend_schema(operation_id="workshop_criteria_aggregates")
    def get(self, request, workshop_code):
        # The cached figures of the staff page: every score row is read once per change.
        versions = selectors.workshop_overview(workshop=self.object)
        data = {
            "workshop": self.object.code,
            "versions": [
                {
                    "criteria_set": version.criteria_set.code,
                    "version": version.criteria_set.version,
                    "review_count": version.review_count,
                    "criteria": [
                        {
                            "criterion": row.criterion.code,
                            "title": row.criterion.title,
                            "stats": _stats(row.stats),
                            "alpha": row.alpha,
                            "submission_count": row.submission_count,
                            "disagreement_count": row.disagreement_count,
                        }
                        for row in version.criteria_rows
                    ],
                }
                for version in versions
            ],
        }
        return Response(WorkshopAggregatesSerializer(data).data)
