"""What a reviewer may bid on: never a conflicted submission."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from portal.models import Membership, User, Workshop
from reviews.models import (
    ConflictRecord,
    ReviewerApplication,
    ReviewerTie,
)
from reviews.selectors.visibility.access import REVIEWABLE_STATES
from submissions.models import Submission


def bidding_workshop_get(*, code: str, user: User) -> tuple[Workshop, ReviewerApplication]:
    """The workshop and the user's approved application to review it, or 404 for anyone
    who is not an active approved reviewer of it (staff included)."""
    if not user.is_authenticated or not user.is_active:
        raise Http404
    application = (
        ReviewerApplication.objects.filter(
            workshop__code=code, user=user, state=ReviewerApplication.State.APPROVED
        )
        .select_related("workshop")
        .first()
    )
    if application is None:
        raise Http404
    return application.workshop, application


def _conflicted_for_bidding(user: User) -> Q:
    """Submissions hidden from the reviewer's bidding list because of a conflict of
    interest, in SQL so that pagination counts stay right.

    The same rules as reviews.selectors.conflicts (membership of the submitting
    organisation, an active tie to it or to the model's provider, unless staff dismissed
    the computed conflict; a conflict staff recorded), and as assignment.services.bids, which
    refuses bids on exactly these pairs. A conflict the reviewer declared by bidding does
    not hide the submission: they may still change that bid.
    """
    records = ConflictRecord.objects.filter(
        submission=OuterRef("pk"), reviewer=user, revoked_at__isnull=True
    )
    ties = ReviewerTie.objects.filter(user=user, ended_at__isnull=True)
    computed = (
        Q(organisation__in=Membership.objects.filter(user=user).values("organisation_id"))
        | Q(organisation__in=ties.filter(organisation__isnull=False).values("organisation_id"))
        | Q(provider__in=ties.filter(provider__isnull=False).values("provider_id"))
    )
    dismissed = Exists(records.filter(action=ConflictRecord.Action.DISMISSED))
    recorded = Exists(records.filter(action=ConflictRecord.Action.RECORDED))
    return recorded | (computed & ~dismissed)


def submissions_for_bidding(
    *, user: User, application: ReviewerApplication, risk_area: str = ""
) -> QuerySet[Submission]:
    """The submissions an approved reviewer may bid on, in title order: eligible ones of
    the workshop, "AI Office only" ones only when cleared, none they are conflicted with
    (except by their own conflict bid)."""
    qs = Submission.objects.filter(workshop_id=application.workshop_id, state__in=REVIEWABLE_STATES)
    if not application.cleared_for_confidential:
        qs = qs.exclude(confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY)
    qs = qs.exclude(_conflicted_for_bidding(user))
    if risk_area:
        qs = qs.filter(risk_areas__code=risk_area)
    return qs.order_by("title", "pk")


@dataclass(frozen=True)
class BiddingRow:
    """One submission as a bidding reviewer may see it. `organisation` and `authors` are
    empty in an anonymous workshop; the contact person is never shown here."""

    pk: int
    code: str
    title: str
    abstract: str
    risk_areas: list[str]
    methods: list[str]
    model: str
    organisation: str
    authors: list[str]
    bid: str  # a Bid.Value (assignment.models), or "" for no bid


def bidding_rows(
    *, workshop: Workshop, ids: list[int], bids: Mapping[int, str]
) -> list[BiddingRow]:
    """The rows of one page of `submissions_for_bidding` (ids already checked by it), with
    the reviewer's current bids ({submission id: value}, read by the assignment app, which
    owns bids), in a constant number of queries."""
    anonymous = workshop.anonymous_review
    qs = (
        Submission.objects.filter(pk__in=ids)
        .select_related("provider")
        .prefetch_related("risk_areas", "methods")
    )
    if not anonymous:
        qs = qs.select_related("organisation").prefetch_related("authors")
    by_id = {submission.pk: submission for submission in qs}
    rows = []
    for pk in ids:
        submission = by_id.get(pk)
        if submission is None:
            continue
        methods = [str(m.label) for m in submission.methods.all()]
        if submission.methods_other:
            methods.append(submission.methods_other)
        model = " ".join(
            filter(
                None,
                [
                    submission.provider.name if submission.provider_id else "",
                    submission.model_name,
                    submission.model_version,
                ],
            )
        )
        rows.append(
            BiddingRow(
                pk=submission.pk,
                code=submission.code,
                title=submission.title,
                abstract=submission.abstract,
                risk_areas=[str(area.label) for area in submission.risk_areas.all()],
                methods=methods,
                model=model,
                organisation="" if anonymous else submission.organisation.name,
                authors=[]
                if anonymous
                else [
                    f"{a.name} ({a.affiliation})" if a.affiliation else a.name
                    for a in submission.authors.all()
                ],
                bid=bids.get(pk, ""),
            )
        )
    return rows
