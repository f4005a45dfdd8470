"""Writes for submissions: drafts, files, submit, withdraw, screening, extensions."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.concurrency import check_revision
from portal.models import Membership, Organisation, User, Workshop
from portal.permissions import require_perm
from portal.services.audit import (
    audit_changes,
    audit_record,
    audit_snapshot,
    audit_stored,
    personal,
)
from portal.services.mail import email_queue_from_templates

from .files import MAIN_DOCUMENT_KINDS, SUPPLEMENTARY_KINDS, file_validate
from .models import (
    Author,
    Method,
    Provider,
    RiskArea,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)

# Fields copied into every version's metadata, in form order.
SNAPSHOT_FIELDS = [
    "title",
    "abstract",
    "keywords",
    "language",
    "model_name",
    "model_version",
    "model_version_date",
    "version_type",
    "release_channel",
    "access_level",
    "access_logits",
    "access_chain_of_thought",
    "access_fine_tuning",
    "access_activations",
    "threat_scenario",
    "methods_other",
    "elicitation",
    "evaluation_start",
    "evaluation_end",
    "stage",
    "results_summary",
    "artefacts",
    "confidentiality",
    "info_hazard",
    "summary_consent",
    "relevance_statement",
    "provider_ties",
    "conflict_statement",
]

# Free text about people (the authors' ties and conflicts): the audit log keeps its hash.
PERSONAL_FIELDS = frozenset({"conflict_statement"})

REQUIRED_TO_SUBMIT = [
    "title",
    "abstract",
    "model_name",
    "model_version",
    "version_type",
    "release_channel",
    "access_level",
    "threat_scenario",
    "elicitation",
    "stage",
    "results_summary",
    "artefacts",
    "confidentiality",
    "summary_consent",
    "relevance_statement",
    "provider_ties",
]


def provider_get_or_create(*, name: str) -> Provider:
    name = " ".join(name.split())
    existing = Provider.objects.filter(name__iexact=name).first()
    return existing or Provider.objects.create(name=name)


def _deadline_message(submission: Submission) -> str:
    deadline = timezone.localtime(submission.deadline, submission.workshop.tzinfo)
    return _(
        "The deadline for this call passed on %(deadline)s (%(zone)s). Contact the AI Office "
        "if you need an extension."
    ) % {
        "deadline": f"{formats.date_format(deadline, 'DATETIME_FORMAT')} "
        f"{formats.date_format(deadline, 'T')}",
        "zone": submission.workshop.timezone,
    }


def _before_deadline(submission: Submission, now: datetime | None = None) -> bool:
    return (now or timezone.now()) <= submission.deadline


def _refuse_late_change(submission: Submission) -> None:
    # As submission_update: once submitted, the files too are frozen after the deadline.
    # The browser saves the fields first and so never got this far; the API attaches
    # and detaches files on their own.
    if submission.state == Submission.State.SUBMITTED and not _before_deadline(submission):
        raise ValidationError(_deadline_message(submission), code="deadline_passed")


def _refuse_if_frozen(submission: Submission) -> None:
    if not submission.is_editable_state:
        raise ValidationError(_("This submission can no longer be edited."), code="not_editable")


@transaction.atomic
def submission_create(
    *, workshop: Workshop, organisation: Organisation, user: User, title: str
) -> Submission:
    require_perm(user, "submissions.submit_for_organisation", organisation)
    if not workshop.is_open_for_submissions():
        raise ValidationError(_("This call is not open for submissions."))
    submission = Submission(
        workshop=workshop, organisation=organisation, contact=user, title=title.strip()
    )
    submission.full_clean()
    submission.save()
    Author.objects.create(
        submission=submission,
        user=user,
        name=user.full_name or user.email,
        affiliation=organisation.name,
    )
    audit_record(
        action="submission.created",
        obj=submission,
        actor=user,
        details={"organisation": organisation, "title": submission.title},
    )
    return submission


def _authors_of(submission: Submission) -> list[tuple]:
    return list(
        submission.authors.order_by("position", "pk").values_list("name", "affiliation", "user_id")
    )


def _audited_update(before: dict, after: dict, authors_before: list, authors_after: list) -> dict:
    """The changes of a save, with the authors (personal data) as their count only."""
    changes = audit_changes(before, after)
    for name in PERSONAL_FIELDS & set(changes):
        changes[name] = [personal(value) for value in changes[name]]
    if authors_before != authors_after:
        changes["authors"] = [{"count": len(authors_before)}, {"count": len(authors_after)}]
    return changes


@transaction.atomic
def submission_update(
    *,
    submission: Submission,
    user: User,
    revision: int,
    fields: dict,
    risk_areas: list[RiskArea] | None = None,
    methods: list[Method] | None = None,
    authors: list[dict] | None = None,
    now: datetime | None = None,
) -> Submission:
    """Save the working copy; refuse (portal.concurrency.StaleEditError) if someone else
    saved since `revision` was loaded."""
    locked = Submission.objects.select_for_update().select_related("workshop").get(pk=submission.pk)
    if not locked.is_editable_state:
        raise ValidationError(_("This submission can no longer be edited."))
    if locked.state == Submission.State.SUBMITTED and not _before_deadline(locked, now):
        raise ValidationError(_deadline_message(locked))
    check_revision(expected=revision, current=locked.revision)
    audited = [*fields, *(["risk_areas"] if risk_areas is not None else [])]
    audited += ["methods"] if methods is not None else []
    # The row was just read under the lock: its values are the stored ones, whatever a
    # bound ModelForm wrote onto the caller's instance.
    before = audit_snapshot(locked, audited)
    authors_before = _authors_of(locked) if authors is not None else []
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.revision += 1
    locked.full_clean(exclude=["contact", "workshop", "organisation"])
    locked.save()
    if risk_areas is not None:
        locked.risk_areas.set(risk_areas)
    if methods is not None:
        locked.methods.set(methods)
    if authors is not None:
        locked.authors.all().delete()
        Author.objects.bulk_create(
            Author(
                submission=locked,
                name=a["name"],
                affiliation=a.get("affiliation", ""),
                user=a.get("user"),
                position=i,
            )
            for i, a in enumerate(authors)
        )
    changes = _audited_update(
        before,
        audit_snapshot(locked, audited),
        authors_before,
        _authors_of(locked) if authors is not None else [],
    )
    if changes:
        audit_record(
            action="submission.updated",
            obj=locked,
            actor=user,
            changes=changes,
            details={"revision": locked.revision},
        )
    return locked


@transaction.atomic
def submission_file_attach(
    *, submission: Submission, user: User, upload, kind: str
) -> SubmissionFile:
    """Check and store an upload. A refused one raises ValidationError with a `code` and
    leaves nothing behind: callers record the refusal with submission_file_refuse, in a
    transaction of its own."""
    _refuse_if_frozen(submission)
    _refuse_late_change(submission)
    allowed = MAIN_DOCUMENT_KINDS if kind == SubmissionFile.Kind.MAIN else SUPPLEMENTARY_KINDS
    validated = file_validate(upload=upload, allowed=allowed)
    now = timezone.now()
    replaced = []
    if kind == SubmissionFile.Kind.MAIN:
        # One main document in the working copy; the replaced one stays in old versions.
        current = submission.files.filter(kind=kind, detached_at__isnull=True)
        replaced = sorted(current.values_list("code", flat=True))
        current.update(detached_at=now)
    file = SubmissionFile(
        submission=submission,
        kind=kind,
        original_name=validated.original_name,
        content_type=validated.content_type,
        size=validated.size,
        sha256=validated.sha256,
        uploaded_by=user,
        uploaded_at=now,
    )
    upload.seek(0)
    file.file.save(validated.original_name, upload, save=False)
    file.save()
    Submission.objects.filter(pk=submission.pk).update(updated_at=now)
    audit_record(
        action="submission_file.uploaded",
        obj=file,
        actor=user,
        workshop=submission.workshop,
        details={
            "submission": submission.code,
            "kind": kind,
            "file_name": file.original_name,
            "size": file.size,
            "content_type": file.content_type,
            "sha256": file.sha256,
            "replaced": replaced,
        },
    )
    return file


def refusal_reason(error: ValidationError) -> str:
    """The stable code of a refused upload (file_validate's, or this module's)."""
    for item in getattr(error, "error_list", [error]):
        if getattr(item, "code", None):
            return item.code
    return "invalid"


@transaction.atomic
def submission_file_refuse(
    *, submission: Submission, user: User, kind: str, file_name: str | None, reason: str
) -> None:
    """Record a refused upload. Nothing changed, so nothing else is written; called after
    the refusal (whose own transaction rolled back), so that the record commits."""
    audit_record(
        action="submission_file.refused",
        obj=submission,
        actor=user,
        details={
            "kind": kind if kind in SubmissionFile.Kind.values else "",
            "file_name": file_name or "",
            "reason": reason,
        },
    )


@transaction.atomic
def submission_file_detach(*, submission: Submission, file: SubmissionFile, user: User) -> None:
    _refuse_if_frozen(submission)
    _refuse_late_change(submission)
    if file.detached_at is None:
        file.detached_at = timezone.now()
        file.save(update_fields=["detached_at"])
        audit_record(
            action="submission_file.removed",
            obj=file,
            actor=user,
            workshop=submission.workshop,
            details={
                "submission": submission.code,
                "kind": file.kind,
                "file_name": file.original_name,
            },
        )


# Besides REQUIRED_TO_SUBMIT: what the edit form marks as needed to submit, named as its
# fields ("authors" and "files" are the form's author rows and upload).
REQUIRED_TO_SUBMIT_OTHER = ["provider", "risk_areas", "methods", "authors", "files"]


def submission_missing_items(*, submission: Submission) -> list[tuple[str, str]]:
    """What still blocks submitting: (the edit form's field, a message a person can act on)."""
    missing = []
    for name in REQUIRED_TO_SUBMIT:
        if getattr(submission, name) in ("", None, []):
            label = Submission._meta.get_field(name).verbose_name
            message = _("%(field)s is required.") % {"field": str(label).capitalize()}
            missing.append((name, message))
    if submission.provider_id is None:
        missing.append(("provider", _("Model provider is required.")))
    if not submission.risk_areas.exists():
        missing.append(("risk_areas", _("Choose at least one risk area.")))
    if not submission.methods.exists():
        missing.append(("methods", _("Choose at least one method.")))
    if not submission.authors.exists():
        missing.append(("authors", _("Name at least one author.")))
    has_main = submission.files.filter(
        kind=SubmissionFile.Kind.MAIN, detached_at__isnull=True
    ).exists()
    if not has_main:
        missing.append(("files", _("Upload the main document (PDF).")))
    return missing


def submission_missing(*, submission: Submission) -> list[str]:
    """What still blocks submitting, as messages a person can act on."""
    return [message for _field, message in submission_missing_items(submission=submission)]


def submission_snapshot(*, submission: Submission) -> dict:
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(submission, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["provider"] = submission.provider.name if submission.provider_id else ""
    data["risk_areas"] = sorted(submission.risk_areas.values_list("code", flat=True))
    data["methods"] = sorted(submission.methods.values_list("code", flat=True))
    data["authors"] = [
        {"name": a.name, "affiliation": a.affiliation} for a in submission.authors.all()
    ]
    return data


def _notify_members(*, submission: Submission, template: str, extra: dict | None = None) -> None:
    recipients = (
        Membership.objects.filter(organisation_id=submission.organisation_id)
        .select_related("user")
        .order_by("user__email")
    )
    for membership in recipients:
        email_queue_from_templates(
            to=[membership.user.email],
            template_prefix=f"submissions/email/{template}",
            context={"submission": submission, "recipient": membership.user, **(extra or {})},
            language=membership.user.preferred_language,
        )


@transaction.atomic
def submission_submit(
    *, submission: Submission, user: User, now: datetime | None = None
) -> SubmissionVersion:
    locked = (
        # of=self: the provider join is nullable, and PostgreSQL cannot lock that side.
        Submission.objects.select_for_update(of=("self",))
        .select_related("workshop", "provider")
        .get(pk=submission.pk)
    )
    if not locked.is_editable_state:
        raise ValidationError(_("This submission can no longer be submitted."))
    if not _before_deadline(locked, now):
        raise ValidationError(_deadline_message(locked))
    missing = submission_missing(submission=locked)
    if missing:
        raise ValidationError(missing)
    number = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = SubmissionVersion.objects.create(
        submission=locked,
        number=number + 1,
        created_by=user,
        metadata=submission_snapshot(submission=locked),
    )
    version.files.set(locked.files.filter(detached_at__isnull=True))
    state_before = locked.state
    locked.state = Submission.State.SUBMITTED
    locked.submitted_at = now or timezone.now()
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    audit_record(
        action="submission.submitted",
        obj=locked,
        actor=user,
        changes={"state": [state_before, locked.state]},
        details={"version": version.number, "files": version.files.count()},
    )
    _notify_members(submission=locked, template="receipt", extra={"version": version})
    return version


@transaction.atomic
def submission_withdraw(*, submission: Submission, user: User) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not locked.is_editable_state:
        raise ValidationError(_("Only drafts and submitted evaluations can be withdrawn."))
    state_before = locked.state
    locked.state = Submission.State.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit_record(
        action="submission.withdrawn",
        obj=locked,
        actor=user,
        changes={"state": [state_before, locked.state]},
    )
    _notify_members(submission=locked, template="withdrawn", extra={"actor": user})
    return locked


@transaction.atomic
def submission_restore(*, submission: Submission, user: User) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != Submission.State.WITHDRAWN:
        raise ValidationError(_("Only withdrawn submissions can be restored."))
    has_version = locked.versions.exists()
    locked.state = Submission.State.SUBMITTED if has_version else Submission.State.DRAFT
    locked.withdrawn_at = None
    locked.save(update_fields=["state", "withdrawn_at", "updated_at"])
    audit_record(
        action="submission.restored",
        obj=locked,
        actor=user,
        changes={"state": [Submission.State.WITHDRAWN, locked.state]},
    )
    return locked


def _screened_eligible(state: str) -> bool | None:
    """Eligible, not eligible, or not screened yet (None)."""
    return {Submission.State.ELIGIBLE: True, Submission.State.NOT_ELIGIBLE: False}.get(state)


@transaction.atomic
def submission_screen(
    *, submission: Submission, user: User, eligible: bool, reason: str = "", note: str = ""
) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    screenable = (
        Submission.State.SUBMITTED,
        Submission.State.ELIGIBLE,
        Submission.State.NOT_ELIGIBLE,
    )
    if locked.state not in screenable:
        raise ValidationError(_("Only submitted evaluations can be screened."))
    if not eligible and not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    if not eligible and reason == Submission.IneligibleReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Explain the reason.")})
    audited = ["state", "ineligible_reason", "screening_note"]
    before = audit_snapshot(locked, audited)
    locked.state = Submission.State.ELIGIBLE if eligible else Submission.State.NOT_ELIGIBLE
    locked.ineligible_reason = "" if eligible else reason
    locked.screening_note = note.strip()
    locked.screened_at = timezone.now()
    locked.screened_by = user
    locked.save()
    audit_record(
        action="submission.screened",
        obj=locked,
        actor=user,
        # The note is about the evaluation, not a person; a long one is kept as its hash.
        changes=audit_changes(before, audit_snapshot(locked, audited)),
        details={
            "eligible_before": _screened_eligible(before["state"]),
            "eligible": eligible,
        },
    )
    _notify_members(submission=locked, template="screened")
    return locked


@transaction.atomic
def submission_extend_deadline(
    *, submission: Submission, user: User, deadline: datetime, reason: str
) -> Submission:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the extension.")})
    if deadline <= submission.workshop.submission_closes_at:
        raise ValidationError(
            {"deadline": _("An extension must end after the call's own deadline.")}
        )
    audited = ["extended_deadline", "extension_reason"]
    before = audit_stored(submission, audited)
    submission.extended_deadline = deadline
    submission.extension_reason = reason.strip()
    submission.save(update_fields=["extended_deadline", "extension_reason", "updated_at"])
    changes = audit_changes(before, audit_snapshot(submission, audited))
    # A reason for lateness can be about a person (an illness): its hash only.
    if "extension_reason" in changes:
        changes["extension_reason"] = [personal(v) for v in changes["extension_reason"]]
    audit_record(
        action="submission.deadline_extended",
        obj=submission,
        actor=user,
        changes=changes,
        details={"call_deadline": submission.workshop.submission_closes_at},
    )
    return submission


@transaction.atomic
def submission_record_export(*, workshop: Workshop, user: User, filters: dict, rows: int) -> None:
    """Record that `user` downloaded the staff's submission list as CSV, with `filters`
    (a search text is kept as its hash: it may be a person's name) and `rows` in it."""
    if filters.get("query"):
        filters = {**filters, "query": personal(filters["query"])}
    audit_record(
        action="submissions.exported",
        obj=workshop,
        actor=user,
        details={"filters": filters, "rows": rows, "format": "csv"},
    )
