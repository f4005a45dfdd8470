"""Conflicts of interest: the one definition, per pair and set-based for whole workshops.

A reviewer is conflicted with a submission when they are a member of the submitting
organisation (per pair through the one membership predicate), have an active declared tie
to that organisation or to the provider of the evaluated model, or staff recorded a
conflict. Staff may dismiss a computed conflict with a reason (ConflictRecord DISMISSED); a
recorded conflict cannot be dismissed, only revoked.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import Membership, User, Workshop
from reviews.models import ConflictRecord, ReviewerTie
from submissions.models import Submission
from submissions.rules import is_member_of_submitting_org


def _active_records(**filters) -> QuerySet[ConflictRecord]:
    return ConflictRecord.objects.filter(revoked_at__isnull=True, **filters)


def computed_conflict_reasons(*, reviewer: User, submission: Submission) -> list[str]:
    reasons = []
    if is_member_of_submitting_org(reviewer, submission):
        reasons.append(
            _("Member of the submitting organisation (%(org)s).")
            % {"org": submission.organisation.name}
        )
    ties = ReviewerTie.objects.filter(user=reviewer, ended_at__isnull=True).select_related(
        "organisation", "provider"
    )
    for tie in ties:
        if tie.organisation_id and tie.organisation_id == submission.organisation_id:
            reasons.append(
                _("Declared tie (%(type)s) to the submitting organisation %(org)s.")
                % {"type": tie.get_tie_type_display(), "org": tie.organisation.name}
            )
        if tie.provider_id and tie.provider_id == submission.provider_id:
            reasons.append(
                _("Declared tie (%(type)s) to the model provider %(provider)s.")
                % {"type": tie.get_tie_type_display(), "provider": tie.provider.name}
            )
    return reasons


def conflict_reasons(*, reviewer: User, submission: Submission) -> list[str]:
    """Why this pair is conflicted, after staff decisions; empty when it is not."""
    records = list(_active_records(reviewer=reviewer, submission=submission))
    reasons = []
    dismissed = any(r.action == ConflictRecord.Action.DISMISSED for r in records)
    if not dismissed:
        reasons.extend(computed_conflict_reasons(reviewer=reviewer, submission=submission))
    for record in records:
        if record.action in (ConflictRecord.Action.RECORDED, ConflictRecord.Action.BID):
            reasons.append(
                _("%(source)s: %(reason)s")
                % {"source": record.get_action_display(), "reason": record.reason}
            )
    return reasons


def has_conflict(*, reviewer: User, submission: Submission) -> bool:
    return bool(conflict_reasons(reviewer=reviewer, submission=submission))


def conflicted_pairs(
    *,
    workshop: Workshop,
    reviewer_ids: set[int] | None = None,
    submission_ids: set[int] | None = None,
) -> set[tuple[int, int]]:
    """All conflicted (submission_id, reviewer_id) pairs of a workshop in four queries,
    optionally only for some reviewers and submissions (a reviewer's own dashboard).

    Used by lists and automatic assignment, where a per-pair check would be millions of
    queries.
    """
    submissions = Submission.objects.filter(workshop=workshop)
    if submission_ids is not None:
        submissions = submissions.filter(pk__in=submission_ids)
    org_to_subs: dict[int, list[int]] = {}
    provider_to_subs: dict[int, list[int]] = {}
    for sub_id, org_id, provider_id in submissions.values_list(
        "pk", "organisation_id", "provider_id"
    ):
        org_to_subs.setdefault(org_id, []).append(sub_id)
        if provider_id:
            provider_to_subs.setdefault(provider_id, []).append(sub_id)

    pairs: set[tuple[int, int]] = set()
    memberships = Membership.objects.filter(organisation_id__in=org_to_subs.keys())
    if reviewer_ids is not None:
        memberships = memberships.filter(user_id__in=reviewer_ids)
    for user_id, org_id in memberships.values_list("user_id", "organisation_id"):
        pairs.update((sub_id, user_id) for sub_id in org_to_subs[org_id])

    ties = ReviewerTie.objects.filter(ended_at__isnull=True)
    if reviewer_ids is not None:
        ties = ties.filter(user_id__in=reviewer_ids)
    for user_id, org_id, provider_id in ties.values_list(
        "user_id", "organisation_id", "provider_id"
    ):
        for sub_id in org_to_subs.get(org_id, ()) if org_id else ():
            pairs.add((sub_id, user_id))
        for sub_id in provider_to_subs.get(provider_id, ()) if provider_id else ():
            pairs.add((sub_id, user_id))

    records = _active_records(submission__workshop=workshop)
    if submission_ids is not None:
        records = records.filter(submission_id__in=submission_ids)
    if reviewer_ids is not None:
        records = records.filter(reviewer_id__in=reviewer_ids)
    records = records.values_list("submission_id", "reviewer_id", "action")
    dismissed = set()
    added = set()
    for sub_id, user_id, action in records:
        if action == ConflictRecord.Action.DISMISSED:
            dismissed.add((sub_id, user_id))
        else:
            added.add((sub_id, user_id))
    return (pairs - dismissed) | added


def conflicted_q(*, reviewer: User, submission: str = "submission") -> Q:
    """The same definition as `conflicted_pairs`, for one reviewer, as a condition on rows
    that reach a submission through `submission` (a field path; "pk" on Submission itself).

    For a reviewer's own lists: the conflict check becomes part of their one query instead
    of four more (the dashboard is the page every reviewer opens most).
    """
    organisation = OuterRef(f"{submission}__organisation" if submission != "pk" else "organisation")
    provider = OuterRef(f"{submission}__provider" if submission != "pk" else "provider")
    pair = {"reviewer": reviewer, "submission": OuterRef(submission)}
    ties = ReviewerTie.objects.filter(user=reviewer, ended_at__isnull=True)
    computed = (
        Exists(Membership.objects.filter(user=reviewer, organisation=organisation))
        | Exists(ties.filter(organisation=organisation))
        | Exists(ties.filter(provider=provider))
    )
    dismissed = Exists(_active_records(action=ConflictRecord.Action.DISMISSED, **pair))
    added = Exists(_active_records(**pair).exclude(action=ConflictRecord.Action.DISMISSED))
    return (Q(computed) & ~Q(dismissed)) | Q(added)
