"""Hand edits of a finished run's proposal: a pair added or taken out, with the checks
publishing will make again. Only a done, unpublished run changes (checked here again under
a lock: the page's permission was decided before the request waited for it)."""

from __future__ import annotations

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assignment.matching.options import RunSettings
from assignment.matching.scoring import score_pairs
from assignment.models import AssignmentRun, ProposedPair
from assignment.services.bids import approved_application
from portal.models import Membership, User
from portal.services.audit import audit_record
from reviews.models import Assignment
from reviews.selectors.conflicts import conflict_reasons
from submissions.models import Submission


def _lock_editable(run: AssignmentRun) -> AssignmentRun:
    locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    if locked.state != AssignmentRun.State.DONE:
        raise ValidationError(_("Only a finished run can be edited."))
    if locked.published_at is not None:
        raise ValidationError(_("This run was published; start a new run to change it."))
    return locked


def _mark_edited(run: AssignmentRun) -> None:
    summary = dict(run.summary or {})
    summary["edited"] = True
    run.summary = summary
    run.save(update_fields=["summary"])


@transaction.atomic
def proposed_pair_add(
    *, run: AssignmentRun, submission: Submission, reviewer: User, user: User
) -> ProposedPair:
    """Add a pair to a proposal by hand, with the checks publishing will make again:
    approval, eligibility, confidentiality, declines, conflicts of interest and the
    same-organisation rule."""
    run = _lock_editable(run)
    if submission.workshop_id != run.workshop_id:
        raise ValidationError(_("The submission belongs to another call."))
    if submission.state != Submission.State.ELIGIBLE:
        raise ValidationError(_("Only eligible submissions can be assigned."))
    application = approved_application(workshop=run.workshop, user=reviewer)
    if application is None:
        raise ValidationError(
            _("%(name)s is not an approved reviewer for this call.") % {"name": reviewer}
        )
    if (
        submission.confidentiality == Submission.Confidentiality.AI_OFFICE_ONLY
        and not application.cleared_for_confidential
    ):
        raise ValidationError(
            _("%(name)s is not cleared for “AI Office only” submissions.") % {"name": reviewer}
        )
    if Assignment.objects.filter(
        submission=submission, reviewer=reviewer, state=Assignment.State.DECLINED
    ).exists():
        raise ValidationError(_("%(name)s declined this submission.") % {"name": reviewer})
    reasons = conflict_reasons(reviewer=reviewer, submission=submission)
    if reasons:
        raise ValidationError(
            _("%(name)s has a conflict of interest: %(reasons)s")
            % {"name": reviewer, "reasons": " ".join(reasons)}
        )
    if run.pairs.filter(submission=submission, reviewer=reviewer).exists():
        raise ValidationError(_("This pair is already in the proposal."))
    colleagues = Membership.objects.filter(
        user_id__in=run.pairs.filter(submission=submission).values("reviewer_id"),
        organisation__in=Membership.objects.filter(user=reviewer).values("organisation_id"),
    ).select_related("user", "organisation")
    colleague = colleagues.first()
    if colleague is not None:
        raise ValidationError(
            _("%(other)s, of the same organisation (%(org)s), already reviews this submission.")
            % {"other": colleague.user, "org": colleague.organisation.name}
        )
    settings = RunSettings.from_json(run.settings)
    scores, why = score_pairs(
        workshop=run.workshop,
        submission_ids=np.array([submission.pk]),
        reviewer_ids=np.array([reviewer.pk]),
        weights=settings.weights,
    )
    pair = ProposedPair.objects.create(
        run=run,
        submission=submission,
        reviewer=reviewer,
        score=float(scores[0]),
        why=why[0],
        kept=Assignment.objects.filter(submission=submission, reviewer=reviewer)
        .exclude(state=Assignment.State.DECLINED)
        .exists(),
        origin=ProposedPair.Origin.STAFF,
    )
    _mark_edited(run)
    audit_record(
        action="proposed_pair.added",
        obj=pair,
        actor=user,
        workshop=run.workshop,
        details={
            "run": run.code,
            "submission": submission.code,
            "reviewer": reviewer.pk,
            "kept": pair.kept,
        },
    )
    return pair


@transaction.atomic
def proposed_pair_remove(*, pair: ProposedPair, user: User) -> None:
    """Take a pair out of a proposal by hand (publishing then removes the assignment, if the
    pair was one)."""
    run = _lock_editable(pair.run)
    deleted, _by_model = ProposedPair.objects.filter(pk=pair.pk, run=run).delete()
    _mark_edited(run)
    if deleted:
        audit_record(
            action="proposed_pair.removed",
            obj=pair,
            actor=user,
            workshop=run.workshop,
            details={
                "run": run.code,
                "submission": pair.submission.code,
                "reviewer": pair.reviewer_id,
                "kept": pair.kept,
            },
        )
