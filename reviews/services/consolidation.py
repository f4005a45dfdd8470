"""Writes of the consolidated assessment: naming its lead, the lead's draft (optimistic
locking like the review form: every save names the revision it edited), circulating it,
the other reviewers' agreement or dissent, and the staff's finalisation.

Draft saves (and their autosave) are not recorded in the audit log, as for reviews: every
step that changes who may do what is."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import Criterion
from portal.concurrency import check_revision
from portal.models import User
from portal.permissions import require_perm
from portal.rules import is_ai_office_staff
from portal.services.audit import audit_record
from reviews.models import (
    Concurrence,
    ConsolidatedAssessment,
    ConsolidatedScore,
)
from reviews.selectors.consolidation import (
    co_reviewer,
    consolidation_criteria_set,
    lead_candidates,
)
from submissions.models import Submission

State = ConsolidatedAssessment.State


@dataclass(frozen=True)
class ScoreInput:
    level: int | None = None
    tag: str = ""
    synthesis: str = ""


def _audit(action: str, assessment: ConsolidatedAssessment, user: User, **details) -> None:
    audit_record(
        action=action,
        obj=assessment,
        actor=user,
        workshop=assessment.submission.workshop,
        details={"submission": assessment.submission.code, **details},
    )


@transaction.atomic
def consolidation_lead_name(
    *, submission: Submission, lead: User, user: User
) -> ConsolidatedAssessment:
    """Staff name the lead (a reviewer who accepted the assignment, or a staff member),
    creating the assessment on first use. A final assessment keeps its lead."""
    require_perm(user, "reviews.name_consolidation_lead", submission)
    if not is_ai_office_staff(lead) and lead not in lead_candidates(submission=submission):
        raise ValidationError(
            _("The lead must be a reviewer of this evaluation or a member of the AI Office.")
        )
    assessment = (
        ConsolidatedAssessment.objects.select_for_update(of=("self",))
        .select_related("submission__workshop")
        .filter(submission=submission)
        .first()
    )
    if assessment is None:
        criteria_set = consolidation_criteria_set(submission=submission)
        if criteria_set is None:
            raise ValidationError(_("This call has no criteria to assess against."))
        assessment = ConsolidatedAssessment.objects.create(
            submission=submission, criteria_set=criteria_set, lead=lead
        )
    elif assessment.state == State.FINAL:
        raise ValidationError(_("The consolidated assessment is final."))
    else:
        assessment.lead = lead
        assessment.revision += 1
        assessment.save(update_fields=["lead", "revision", "updated_at"])
    _audit("consolidation.lead_named", assessment, user, lead=lead.pk)
    return assessment


def _lock(assessment: ConsolidatedAssessment) -> ConsolidatedAssessment:
    return (
        ConsolidatedAssessment.objects.select_for_update(of=("self",))
        .select_related("submission__workshop", "criteria_set")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def consolidation_save_draft(
    *,
    assessment: ConsolidatedAssessment,
    user: User,
    revision: int,
    scores: dict[int, ScoreInput],
) -> ConsolidatedAssessment:
    """The lead's draft, per criterion (by pk). A save from an outdated revision (another
    tab, a staff member taking over) is refused with StaleEditError."""
    locked = _lock(assessment)
    require_perm(user, "reviews.edit_consolidation", locked)
    check_revision(expected=revision, current=locked.revision)
    criteria = {c.pk: c for c in Criterion.objects.filter(criteria_set=locked.criteria_set_id)}
    existing = {s.criterion_id: s for s in locked.scores.all()}
    to_create, to_update = [], []
    for criterion_id, item in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("A criterion is not part of this assessment."))
        if item.level is not None and item.level not in criterion.level_values:
            raise ValidationError(
                _("%(criterion)s: no such level.") % {"criterion": criterion.code}
            )
        if item.tag and item.tag not in ConsolidatedScore.Tag.values:
            raise ValidationError(_("%(criterion)s: no such tag.") % {"criterion": criterion.code})
        score = existing.get(criterion_id)
        if score is None:
            to_create.append(
                ConsolidatedScore(
                    assessment=locked,
                    criterion=criterion,
                    level=item.level,
                    tag=item.tag,
                    synthesis=item.synthesis,
                )
            )
        elif (score.level, score.tag, score.synthesis) != (item.level, item.tag, item.synthesis):
            score.level, score.tag, score.synthesis = item.level, item.tag, item.synthesis
            to_update.append(score)
    ConsolidatedScore.objects.bulk_create(to_create)
    if to_update:
        ConsolidatedScore.objects.bulk_update(to_update, ["level", "tag", "synthesis"])
    locked.revision += 1
    locked.save(update_fields=["revision", "updated_at"])
    return locked


@transaction.atomic
def consolidation_circulate(
    *, assessment: ConsolidatedAssessment, user: User, now: datetime | None = None
) -> ConsolidatedAssessment:
    """The lead sends the draft to the other reviewers, who may then agree or dissent."""
    locked = _lock(assessment)
    require_perm(user, "reviews.circulate_consolidation", locked)
    if not locked.scores.exclude(level=None).exists():
        raise ValidationError(_("Give at least one criterion a level before circulating."))
    locked.state = State.CIRCULATED
    locked.circulated_at = now or timezone.now()
    locked.revision += 1
    locked.save(update_fields=["state", "circulated_at", "revision", "updated_at"])
    _audit("consolidation.circulated", locked, user)
    return locked


@transaction.atomic
def consolidation_concur(
    *, assessment: ConsolidatedAssessment, user: User, agrees: bool, dissent_note: str = ""
) -> Concurrence:
    """A reviewer of the submission agrees, or adds a dissent note (required then)."""
    locked = _lock(assessment)
    require_perm(user, "reviews.concur_consolidation", locked)
    if not co_reviewer(user=user, submission=locked.submission):
        raise ValidationError(_("Only the reviewers of this evaluation answer."))
    dissent_note = dissent_note.strip()
    if not agrees and not dissent_note:
        raise ValidationError(_("Say what you disagree with in the dissent note."))
    concurrence, created = Concurrence.objects.update_or_create(
        assessment=locked,
        reviewer=user,
        defaults={"agrees": agrees, "dissent_note": "" if agrees else dissent_note},
    )
    # Not the note: the log holds no free text.
    _audit("consolidation.answered", locked, user, agrees=agrees, first=created)
    return concurrence


@transaction.atomic
def consolidation_finalise(
    *, assessment: ConsolidatedAssessment, user: User, now: datetime | None = None
) -> ConsolidatedAssessment:
    """Staff make the circulated assessment final: it is what submitters see first."""
    locked = _lock(assessment)
    require_perm(user, "reviews.finalise_consolidation", locked)
    locked.state = State.FINAL
    locked.finalised_by = user
    locked.finalised_at = now or timezone.now()
    locked.revision += 1
    locked.save(update_fields=["state", "finalised_by", "finalised_at", "revision", "updated_at"])
    _audit("consolidation.finalised", locked, user)
    return locked
