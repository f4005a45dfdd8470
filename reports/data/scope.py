"""What a report covers, in small reads that services, views and builders share: the
criteria-set version it is about, the organisations that get a feedback report, the
justifications staff may quote, and the remarks to an organisation."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from criteria.models import CriteriaSet
from portal.models import Organisation, Workshop
from reports.data.rows import AI_OFFICE_ONLY
from reports.models import FeedbackRemark
from reviews.models import CriterionScore, Review
from submissions.models import Submission

QUOTABLE_TAGS = (CriterionScore.Tag.GAP, CriterionScore.Tag.ALIGNED)
CITABLE_CONSENT = (Submission.Consent.ATTRIBUTED, Submission.Consent.ANONYMISED)


def quotable_scores(*, workshop: Workshop) -> QuerySet[CriterionScore]:
    """Justifications staff may quote: tagged gap or aligned, in a submitted review, of an
    evaluation whose submitters allow citing it, that is neither AI-Office-only nor
    flagged as hazardous."""
    return (
        CriterionScore.objects.filter(
            review__assignment__workshop=workshop,
            review__state=Review.State.SUBMITTED,
            tag__in=QUOTABLE_TAGS,
            review__assignment__submission__summary_consent__in=CITABLE_CONSENT,
            review__assignment__submission__info_hazard=False,
        )
        .exclude(review__assignment__submission__confidentiality=AI_OFFICE_ONLY)
        .exclude(justification="")
    )


def organisations_with_reviews(*, workshop: Workshop) -> QuerySet[Organisation]:
    # A semi-join, not a join with DISTINCT: the join made a row per submitted review
    # (30,000 in a large call), and callers' annotations ran on each before DISTINCT.
    reviewed = Submission.objects.filter(
        workshop=workshop,
        organisation=OuterRef("pk"),
        assignments__review__state=Review.State.SUBMITTED,
    )
    return Organisation.objects.filter(Exists(reviewed)).order_by("name", "pk")


def scored_criteria_set(*, workshop: Workshop, version: int | None) -> CriteriaSet | None:
    """The version asked for, else the newest version with a submitted review (as on the
    staff aggregates page)."""
    sets = CriteriaSet.objects.filter(workshop=workshop)
    if version is not None:
        return sets.filter(version=version).first()
    # A semi-join, newest version first: it stops at the first submitted review. The join
    # with DISTINCT it replaces read every submitted review (30,000 in a large call).
    submitted = Review.objects.filter(criteria_set=OuterRef("pk"), state=Review.State.SUBMITTED)
    return sets.filter(Exists(submitted)).order_by("-version").first()


def feedback_remarks(*, workshop: Workshop, organisation: Organisation) -> str:
    remark = FeedbackRemark.objects.filter(workshop=workshop, organisation=organisation).first()
    return remark.remarks_md if remark else ""
