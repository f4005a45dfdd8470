"""Writes of the criteria debate: proposals, their comments and stances, duplicates, the
next criteria version made from the accepted proposals, and the workshop agenda."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, Criterion
from criteria.selectors import criteria_set_current
from criteria.services import criteria_set_new_version
from debate.models import AgendaSession, Proposal, ProposalComment, ProposalStance
from debate.selectors import (
    agenda_people,
    agenda_proposals,
    linkable_reviews,
    linkable_submissions,
)
from portal.concurrency import check_revision
from portal.models import AuditEvent, User, Workshop
from portal.permissions import require_perm
from portal.services.audit import audit_changes, audit_record, object_type
from portal.services.comments import (
    comment_body_clean,
    comment_mark_removed,
    comment_text_revise,
)
from reviews.models import Review
from submissions.models import Submission

KINDS_WITH_CRITERION = {
    Proposal.Kind.REWORD,
    Proposal.Kind.SPLIT,
    Proposal.Kind.MERGE,
    Proposal.Kind.DROP,
    Proposal.Kind.ANCHOR,
}


def _check_links(
    *, user: User, workshop: Workshop, submissions: list[Submission], reviews: list[Review]
) -> None:
    """Refuse a link to an evaluation or review the proposer may not see."""
    allowed_submissions = set(
        linkable_submissions(user=user, workshop=workshop)
        .filter(pk__in=[s.pk for s in submissions])
        .values_list("pk", flat=True)
    )
    allowed_reviews = set(
        linkable_reviews(user=user, workshop=workshop)
        .filter(pk__in=[r.pk for r in reviews])
        .values_list("pk", flat=True)
    )
    if any(s.pk not in allowed_submissions for s in submissions) or any(
        r.pk not in allowed_reviews for r in reviews
    ):
        raise ValidationError(_("You may only link evaluations and reviews that you can see."))


@transaction.atomic
def proposal_create(
    *,
    workshop: Workshop,
    user: User,
    kind: str,
    title: str,
    rationale: str,
    criterion: Criterion | None = None,
    other_criteria: list[Criterion] | tuple = (),
    proposed_text: str = "",
    level: int | None = None,
    attribution_consent: bool = False,
    submissions: list[Submission] | tuple = (),
    reviews: list[Review] | tuple = (),
) -> Proposal:
    """A participant's proposal about the workshop's current criteria version."""
    require_perm(user, "debate.take_part", workshop)
    current = criteria_set_current(workshop=workshop)
    if current is None:
        raise ValidationError(_("This workshop has no criteria to propose changes to yet."))
    if kind in KINDS_WITH_CRITERION:
        if criterion is None:
            raise ValidationError(_("Choose the criterion the change is about."))
        if criterion.criteria_set_id != current.pk:
            raise ValidationError(_("Choose a criterion of the current criteria version."))
    elif criterion is not None:
        raise ValidationError(_("A new criterion is not about an existing one."))
    if kind == Proposal.Kind.MERGE:
        others = [c for c in other_criteria if c.pk != criterion.pk]
        if not others or any(c.criteria_set_id != current.pk for c in others):
            raise ValidationError(
                _("Choose at least one other criterion of the current version to merge with.")
            )
    else:
        others = []
    if kind == Proposal.Kind.ANCHOR:
        if level is None or level not in criterion.level_values:
            raise ValidationError(_("Choose one of the criterion's levels."))
    else:
        level = None
    if kind in {Proposal.Kind.REWORD, Proposal.Kind.ADD, Proposal.Kind.ANCHOR} and not (
        proposed_text.strip()
    ):
        raise ValidationError(_("Write the proposed text."))
    _check_links(user=user, workshop=workshop, submissions=list(submissions), reviews=list(reviews))
    proposal = Proposal.objects.create(
        workshop=workshop,
        criteria_set=current,
        criterion=criterion,
        kind=kind,
        title=title,
        proposed_text=proposed_text,
        level=level,
        rationale=rationale,
        author=user,
        attribution_consent=attribution_consent,
    )
    proposal.other_criteria.set(others)
    proposal.linked_submissions.set(submissions)
    proposal.linked_reviews.set(reviews)
    audit_record(
        action="proposal.created",
        obj=proposal,
        actor=user,
        details={
            "kind": kind,
            "criterion": criterion.code if criterion else "",
            "version": current.version,
        },
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user: User) -> Proposal:
    require_perm(user, "debate.withdraw_proposal", proposal)
    proposal.withdrawn_at = timezone.now()
    proposal.save(update_fields=["withdrawn_at", "updated_at"])
    audit_record(action="proposal.withdrawn", obj=proposal, actor=user)
    return proposal


@transaction.atomic
def proposal_comment_add(*, proposal: Proposal, user: User, body: str) -> ProposalComment:
    require_perm(user, "debate.discuss_proposal", proposal)
    body = comment_body_clean(body)
    comment = ProposalComment.objects.create(proposal=proposal, author=user, body=body)
    audit_record(
        action="proposal.commented",
        obj=proposal,
        actor=user,
        details={"comment": comment.code},
    )
    return comment


@transaction.atomic
def proposal_comment_edit(
    *, comment: ProposalComment, user: User, body: str, revision: int
) -> ProposalComment:
    """The author changes their comment; the earlier text is kept (ProposalCommentRevision).
    A save started from an older revision is refused (StaleEditError)."""
    require_perm(user, "debate.edit_proposal_comment", comment)
    body = comment_body_clean(body)
    locked = ProposalComment.objects.select_for_update().get(pk=comment.pk)
    if not comment_text_revise(locked=locked, body=body, revision=revision):
        return locked
    locked.save(update_fields=["body", "revision", "edited_at"])
    audit_record(
        action="proposal.comment_edited",
        obj=comment.proposal,
        actor=user,
        details={"comment": locked.code, "revision": locked.revision},
    )
    return locked


@transaction.atomic
def proposal_comment_remove(*, comment: ProposalComment, user: User) -> ProposalComment:
    """The author or staff hide the comment behind a "removed" marker; staff still read it
    in its history."""
    require_perm(user, "debate.remove_proposal_comment", comment)
    locked = ProposalComment.objects.select_for_update().get(pk=comment.pk)
    if comment_mark_removed(locked=locked):
        audit_record(
            action="proposal.comment_removed",
            obj=comment.proposal,
            actor=user,
            details={"comment": locked.code},
        )
    return locked


@transaction.atomic
def proposal_stance_set(*, proposal: Proposal, user: User, stance: str) -> str:
    """Support or object (one stance per person; changing it replaces it); "" takes it back."""
    require_perm(user, "debate.discuss_proposal", proposal)
    if stance and stance not in ProposalStance.Stance.values:
        raise ValidationError(_("Choose support or objection."))
    if stance:
        ProposalStance.objects.update_or_create(
            proposal=proposal, user=user, defaults={"stance": stance}
        )
    else:
        ProposalStance.objects.filter(proposal=proposal, user=user).delete()
    audit_record(action="proposal.stance_set", obj=proposal, actor=user, details={"stance": stance})
    return stance


@transaction.atomic
def proposal_group_duplicate(
    *, proposal: Proposal, duplicate_of: Proposal | None, user: User
) -> Proposal:
    """Staff group a proposal under another one of the workshop (None: ungroup it)."""
    require_perm(user, "debate.manage_debate", proposal)
    if duplicate_of is not None:
        if duplicate_of.workshop_id != proposal.workshop_id or duplicate_of.pk == proposal.pk:
            raise ValidationError(_("Choose another proposal of the same workshop."))
        # One level only: group under the main proposal, and move this one's duplicates.
        duplicate_of = duplicate_of.duplicate_of or duplicate_of
        if duplicate_of.pk == proposal.pk:
            raise ValidationError(_("That proposal is already grouped under this one."))
        Proposal.objects.filter(duplicate_of=proposal).update(duplicate_of=duplicate_of)
    proposal.duplicate_of = duplicate_of
    proposal.save(update_fields=["duplicate_of", "updated_at"])
    audit_record(
        action="proposal.grouped" if duplicate_of else "proposal.ungrouped",
        obj=proposal,
        actor=user,
        details={"duplicate_of": duplicate_of.code if duplicate_of else ""},
    )
    return proposal


# --- the next version ------------------------------------------------------------------


@dataclass
class NextVersion:
    criteria_set: CriteriaSet
    applied: list[Proposal] = field(default_factory=list)
    # (proposal, why it could not be applied automatically): staff edit those by hand.
    left: list[tuple[Proposal, str]] = field(default_factory=list)


def _wording(text: str) -> tuple[str, str]:
    """The proposed text as a title (its first line) and a description (the rest)."""
    lines = text.strip().splitlines()
    if not lines:
        return "", ""
    return lines[0].strip()[:200], "\n".join(lines[1:]).strip()


def _free_code(criteria_set: CriteriaSet, base: str) -> str:
    taken = set(criteria_set.criteria.values_list("code", flat=True))
    base = base[:16]
    for n in range(2, 1000):
        code = f"{base}-{n}"
        if code not in taken:
            return code
    raise ValidationError(_("No free criterion code."))


def _copy(criterion: Criterion, **changes) -> Criterion:
    criterion.pk = None
    criterion._state.adding = True
    for name, value in changes.items():
        setattr(criterion, name, value)
    criterion.save()
    return criterion


def _apply(proposal: Proposal, new_set: CriteriaSet, by_code: dict[str, Criterion]) -> str:
    """Change the new version as the proposal says; "" when done, else why not."""
    kind = proposal.kind
    target = by_code.get(proposal.criterion.code) if proposal.criterion_id else None
    if kind in KINDS_WITH_CRITERION and target is None:
        return _("The criterion is no longer in the new version.")
    title, description = _wording(proposal.proposed_text)
    if kind == Proposal.Kind.REWORD:
        target.title = title or target.title
        if description:
            target.description = description
        target.save(update_fields=["title", "description"])
        proposal.resulting_criteria.add(target)
    elif kind == Proposal.Kind.ANCHOR:
        levels = [dict(item) for item in target.levels]
        for item in levels:
            if int(item["level"]) == proposal.level:
                item["descriptor"] = proposal.proposed_text.strip()
                break
        else:
            return _("The level is no longer one of the criterion's levels.")
        target.levels = levels
        target.save(update_fields=["levels"])
        proposal.resulting_criteria.add(target)
    elif kind == Proposal.Kind.DROP:
        del by_code[target.code]
        target.delete()
    elif kind == Proposal.Kind.ADD:
        group = new_set.groups.order_by("-position", "-pk").first()
        template = new_set.criteria.order_by("position", "pk").first()
        if group is None:
            return _("The new version has no group to add the criterion to.")
        position = (group.criteria.aggregate(m=Max("position"))["m"] or 0) + 1
        created = Criterion.objects.create(
            criteria_set=new_set,
            group=group,
            code=_free_code(new_set, "NEW"),
            title=title or proposal.title[:200],
            description=description,
            levels=template.levels if template else [],
            position=position,
        )
        by_code[created.code] = created
        proposal.resulting_criteria.add(created)
    elif kind == Proposal.Kind.SPLIT:
        # Paragraphs: the first stays with the criterion, the second makes the new one.
        parts = [p.strip() for p in re.split(r"\n\s*\n", proposal.proposed_text.strip()) if p]
        second = _wording(parts[1]) if len(parts) > 1 else ("", "")
        if parts:
            first = _wording(parts[0])
            target.title = first[0] or target.title
            target.description = first[1] or target.description
            target.save(update_fields=["title", "description"])
        split = _copy(
            Criterion.objects.get(pk=target.pk),
            code=_free_code(new_set, target.code),
            title=second[0] or target.title,
            description=second[1] or target.description,
            position=target.position + 1,
        )
        by_code[split.code] = split
        proposal.resulting_criteria.add(target, split)
    elif kind == Proposal.Kind.MERGE:
        others = [by_code.get(c.code) for c in proposal.other_criteria.all()]
        if any(other is None for other in others):
            return _("A criterion to merge is no longer in the new version.")
        if title:
            target.title = title
            target.description = description or target.description
            target.save(update_fields=["title", "description"])
        for other in others:
            del by_code[other.code]
            other.delete()
        proposal.resulting_criteria.add(target)
    return ""


@transaction.atomic
def criteria_set_next_from_proposals(
    *, workshop: Workshop, proposals: list[Proposal], user: User
) -> NextVersion:
    """The next criteria version in one step, pre-filled with the accepted proposals.

    The current version is copied (criteria.services.criteria_set_new_version); each
    proposal then changes the copy as well as can be done automatically, in the order the
    proposals were made. What cannot be applied is returned for staff to edit by hand.
    Each changed or created criterion links back to its proposals (resulting_criteria)."""
    require_perm(user, "debate.manage_debate", workshop)
    current = criteria_set_current(workshop=workshop)
    if current is None:
        raise ValidationError(_("This workshop has no criteria set."))
    accepted = {Proposal.Outcome.ACCEPTED, Proposal.Outcome.ACCEPTED_WITH_CHANGES}
    locked = list(
        Proposal.objects.select_for_update()
        .filter(pk__in=[p.pk for p in proposals])
        .order_by("created_at", "pk")
    )
    if not locked:
        raise ValidationError(_("Choose at least one accepted proposal."))
    for proposal in locked:
        if (
            proposal.workshop_id != workshop.pk
            or proposal.outcome not in accepted
            or proposal.withdrawn_at
        ):
            raise PermissionDenied
        if proposal.applied_in_id is not None:
            raise ValidationError(
                _("“%(title)s” is already applied to version %(version)d.")
                % {"title": proposal.title, "version": proposal.applied_in.version}
            )
    new_set = criteria_set_new_version(criteria_set=current, user=user)
    by_code = {c.code: c for c in new_set.criteria.all()}
    result = NextVersion(criteria_set=new_set)
    for proposal in locked:
        why = _apply(proposal, new_set, by_code)
        proposal.applied_in = new_set
        proposal.save(update_fields=["applied_in", "updated_at"])
        if why:
            result.left.append((proposal, why))
        else:
            result.applied.append(proposal)
        audit_record(
            action="proposal.applied",
            obj=proposal,
            actor=user,
            details={
                "version": new_set.version,
                "automatic": not why,
                "criteria": sorted(proposal.resulting_criteria.values_list("code", flat=True)),
            },
        )
    return result


# --- the outcome, recorded live in the session -----------------------------------------

# Notes alone are audited at most once a minute per proposal: autosave posts every few
# seconds while the note-taker types, and a row per pause would bury the decisions.
NOTES_AUDIT_INTERVAL = timedelta(minutes=1)


def _notes_audited_recently(proposal: Proposal, now) -> bool:
    return AuditEvent.objects.filter(
        object_type=object_type(proposal),
        object_code=proposal.code,
        action="proposal.notes_edited",
        created_at__gte=now - NOTES_AUDIT_INTERVAL,
    ).exists()


@transaction.atomic
def proposal_outcome_record(
    *,
    proposal: Proposal,
    user: User,
    revision: int,
    outcome: str,
    notes: str,
    now: datetime | None = None,
) -> Proposal:
    """The note-taker's outcome and discussion notes for a proposal (live notes, autosaved).

    A save from an outdated revision (another note-taker, another tab) is refused with
    StaleEditError carrying the stored revision and what is stored now. Setting an
    outcome records who decided and when; clearing it clears them, unless the proposal was
    already applied to a new criteria version. The audit log gets a row when the outcome
    changes, and for notes alone at most one a minute (with their length, not the text)."""
    require_perm(user, "debate.manage_debate", proposal)
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("applied_in")
        .get(pk=proposal.pk)
    )
    check_revision(
        expected=revision,
        current=locked.outcome_revision,
        current_value={"outcome": locked.outcome, "notes": locked.outcome_notes},
    )
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This proposal was withdrawn; no outcome can be recorded."))
    if outcome and outcome not in Proposal.Outcome.values:
        raise ValidationError(_("Choose one of the outcomes."))
    if locked.applied_in_id is not None and outcome != locked.outcome:
        raise ValidationError(
            _(
                "This proposal is already applied to criteria version %(version)d; its "
                "outcome can no longer change."
            )
            % {"version": locked.applied_in.version}
        )
    before_outcome, before_notes = locked.outcome, locked.outcome_notes
    if (outcome, notes) == (before_outcome, before_notes):
        # Nothing to write (a restored draft, a form sent again): a new revision would
        # only make another note-taker's next autosave a conflict.
        return locked
    now = now or timezone.now()
    locked.outcome = outcome
    locked.outcome_notes = notes
    if outcome != before_outcome:
        locked.decided_at = now if outcome else None
        locked.decided_by = user if outcome else None
    locked.outcome_revision += 1
    locked.save(
        update_fields=[
            "outcome",
            "outcome_notes",
            "decided_at",
            "decided_by",
            "outcome_revision",
            "updated_at",
        ]
    )
    notes_changed = notes != before_notes
    if outcome != before_outcome:
        audit_record(
            action="proposal.outcome_recorded",
            obj=locked,
            actor=user,
            changes={"outcome": [before_outcome, outcome]},
            details={"notes_length": len(notes), "notes_changed": notes_changed},
        )
    elif notes_changed and not _notes_audited_recently(locked, now):
        audit_record(
            action="proposal.notes_edited",
            obj=locked,
            actor=user,
            details={"notes_length": len(notes)},
        )
    return locked


# --- the workshop agenda ------------------------------------------------------------------

# A session is part of a day, and the days are around the workshop's event day.
SESSION_MAX_LENGTH = timedelta(hours=12)
SESSION_DAYS_FROM_EVENT = 7


@dataclass(frozen=True)
class AgendaSessionInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str = ""
    chair: User | None = None
    note_taker: User | None = None
    criteria: list[Criterion] | tuple = ()
    proposals: list[Proposal] | tuple = ()
    description: str = ""


def _agenda_check(*, workshop: Workshop, data: AgendaSessionInput) -> None:
    errors: dict[str, list[str]] = {}
    if data.ends_at <= data.starts_at:
        errors.setdefault("ends_at", []).append(_("The session must end after it starts."))
    elif data.ends_at - data.starts_at > SESSION_MAX_LENGTH:
        errors.setdefault("ends_at", []).append(_("A session lasts at most 12 hours."))
    if workshop.event_date:
        day = timezone.localtime(data.starts_at, workshop.tzinfo).date()
        if abs((day - workshop.event_date).days) > SESSION_DAYS_FROM_EVENT:
            errors.setdefault("starts_at", []).append(
                _("The session must be within a week of the workshop day (%(day)s).")
                % {"day": workshop.event_date.isoformat()}
            )
    people = [p.pk for p in (data.chair, data.note_taker) if p is not None]
    allowed = set(
        agenda_people(workshop=workshop).filter(pk__in=people).values_list("pk", flat=True)
    )
    if data.chair is not None and data.chair.pk not in allowed:
        errors.setdefault("chair", []).append(
            _("Choose AI Office staff or a participant of the workshop.")
        )
    if data.note_taker is not None and data.note_taker.pk not in allowed:
        errors.setdefault("note_taker", []).append(
            _("Choose AI Office staff or a participant of the workshop.")
        )
    current = criteria_set_current(workshop=workshop)
    if any(current is None or c.criteria_set_id != current.pk for c in data.criteria):
        errors.setdefault("criteria", []).append(
            _("Choose criteria of the current criteria version.")
        )
    wanted = {p.pk for p in data.proposals}
    found = set(
        agenda_proposals(workshop=workshop).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - found:
        errors.setdefault("proposals", []).append(
            _("Choose proposals of this workshop that are not withdrawn or grouped.")
        )
    if errors:
        raise ValidationError(errors)


def _agenda_snapshot(session: AgendaSession) -> dict:
    return {
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room": session.room,
        "chair": session.chair_id,
        "note_taker": session.note_taker_id,
        "criteria": sorted(c.code for c in session.criteria.all()),
        "proposals": sorted(p.code for p in session.proposals.all()),
        "description_length": len(session.description),
    }


def _agenda_save(session: AgendaSession, data: AgendaSessionInput) -> None:
    session.title = data.title
    session.starts_at = data.starts_at
    session.ends_at = data.ends_at
    session.room = data.room
    session.chair = data.chair
    session.note_taker = data.note_taker
    session.description = data.description
    session.save()
    session.criteria.set(data.criteria)
    session.proposals.set(data.proposals)


@transaction.atomic
def agenda_session_create(
    *, workshop: Workshop, user: User, data: AgendaSessionInput
) -> AgendaSession:
    """Add a session to the workshop's agenda (staff)."""
    require_perm(user, "debate.manage_debate", workshop)
    _agenda_check(workshop=workshop, data=data)
    session = AgendaSession(workshop=workshop)
    _agenda_save(session, data)
    audit_record(
        action="agenda_session.created",
        obj=session,
        actor=user,
        changes=audit_changes({}, _agenda_snapshot(session)),
    )
    return session


@transaction.atomic
def agenda_session_update(
    *, session: AgendaSession, user: User, data: AgendaSessionInput
) -> AgendaSession:
    require_perm(user, "debate.manage_debate", session.workshop)
    _agenda_check(workshop=session.workshop, data=data)
    before = _agenda_snapshot(session)
    _agenda_save(session, data)
    changes = audit_changes(before, _agenda_snapshot(session))
    if changes:
        audit_record(action="agenda_session.updated", obj=session, actor=user, changes=changes)
    return session


@transaction.atomic
def agenda_session_delete(*, session: AgendaSession, user: User) -> None:
    require_perm(user, "debate.manage_debate", session.workshop)
    audit_record(
        action="agenda_session.deleted",
        obj=session,
        actor=user,
        details={"title_length": len(session.title), "starts_at": session.starts_at},
    )
    session.delete()
