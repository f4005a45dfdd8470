"""Erasure: a person's request, AI Office staff's decision, and the pseudonymisation of the
account (privacy/erasure.py lists what it replaces, deletes and keeps)."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.services.embeddings import text_embeddings_delete, user_text_hashes
from portal.models import Membership, OutgoingEmail, User
from portal.services.audit import audit_record, personal
from portal.services.mail import absolute_url, email_queue_from_templates
from privacy import selectors
from privacy.erasure import (
    DELETED,
    PSEUDONYMISED,
    STORED_FILE_DELETED,
    UNUSABLE_PASSWORD,
    Pseudonym,
)
from privacy.models import ErasedAccount, ErasureRequest
from submissions.models import Author, Submission, SubmissionFile

logger = logging.getLogger(__name__)

State = ErasureRequest.State


# --- the person's request, staff's decision ---------------------------------------------


@transaction.atomic
def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    # Locks the person's row: two submits of the form at once make one request.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if selectors.is_erased(user=user):
        raise ValidationError(_("This account was already erased."))
    if selectors.erasure_request_open_of(user=user) is not None:
        raise ValidationError(
            _("You already asked for your account to be deleted; the request is still open.")
        )
    erasure_request = ErasureRequest.objects.create(user=user, reason=reason.strip())
    audit_record(
        action="erasure.requested",
        obj=erasure_request,
        actor=user,
        details={"reason": personal(erasure_request.reason)},
    )
    return erasure_request


def _locked(erasure_request: ErasureRequest) -> ErasureRequest:
    return (
        ErasureRequest.objects.select_for_update().select_related("user").get(pk=erasure_request.pk)
    )


@transaction.atomic
def erasure_request_withdraw(*, erasure_request: ErasureRequest, user: User) -> ErasureRequest:
    locked = _locked(erasure_request)
    if locked.state != State.REQUESTED:
        raise ValidationError(_("Only a request still waiting for a decision can be withdrawn."))
    locked.state = State.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["state", "withdrawn_at"])
    audit_record(action="erasure.withdrawn", obj=locked, actor=user)
    return locked


def _decide(
    erasure_request: ErasureRequest, *, decided_by: User, reason: str, state: str
) -> ErasureRequest:
    locked = _locked(erasure_request)
    if locked.state != State.REQUESTED:
        raise ValidationError(_("This request was already decided or withdrawn."))
    if locked.user_id == decided_by.pk:
        raise ValidationError(_("Another member of staff decides on your own request."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    locked.state = state
    locked.decided_at = timezone.now()
    locked.decided_by = decided_by
    locked.decision_reason = reason
    locked.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
    return locked


@transaction.atomic
def erasure_request_approve(
    *,
    erasure_request: ErasureRequest,
    decided_by: User,
    reason: str,
    enqueue: Callable[[int], None] | None = None,
) -> ErasureRequest:
    """Approve; the pseudonymisation runs after the commit, in a worker (`enqueue`), or in
    the next retention run if the worker never gets it."""
    locked = _decide(erasure_request, decided_by=decided_by, reason=reason, state=State.APPROVED)
    audit_record(
        action="erasure.approved", obj=locked, actor=decided_by, details={"reason": reason}
    )
    if enqueue is not None:
        request_id = locked.pk
        transaction.on_commit(lambda: enqueue(request_id))
    return locked


@transaction.atomic
def erasure_request_refuse(
    *, erasure_request: ErasureRequest, decided_by: User, reason: str
) -> ErasureRequest:
    locked = _decide(erasure_request, decided_by=decided_by, reason=reason, state=State.REFUSED)
    audit_record(action="erasure.refused", obj=locked, actor=decided_by, details={"reason": reason})
    email_queue_from_templates(
        to=[locked.user.email],
        template_prefix="privacy/email/erasure_refused",
        context={
            "erasure_request": locked,
            "url": absolute_url("/profile/"),
        },
        language=locked.user.preferred_language,
    )
    return locked


@transaction.atomic
def erasure_request_complete(*, erasure_request: ErasureRequest) -> ErasedAccount | None:
    """Carry out an approved request (the worker, or the retention run for one it missed)."""
    locked = _locked(erasure_request)
    if locked.state != State.APPROVED:
        return None
    return account_pseudonymise(user=locked.user, by=locked.decided_by, request=locked)


# --- pseudonymisation --------------------------------------------------------------------


def delete_files_on_commit(names: list[tuple[object, str]]) -> None:
    """Delete stored files once the deletion of their rows commits: a rolled-back erasure
    must still find its files."""
    names = [(storage, name) for storage, name in names if name]
    if not names:
        return

    def delete() -> None:
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:
                # The row is gone either way; a file left behind is found by name only.
                logger.warning("Could not delete stored file %s", name, exc_info=True)

    transaction.on_commit(delete)


def stored_files(
    queryset: models.QuerySet, *, fields: list[str] | None = None
) -> list[tuple[object, str]]:
    """(storage, name) of every file the rows hold (in `fields`, or any file field)."""
    file_fields = [
        f
        for f in queryset.model._meta.concrete_fields
        if isinstance(f, models.FileField) and (fields is None or f.name in fields)
    ]
    files = []
    for f in file_fields:
        for name in queryset.exclude(**{f.name: ""}).values_list(f.name, flat=True):
            files.append((f.storage, name))
    return files


def submission_draft_delete(
    *, submission: Submission, reason: str, actor: User | None = None
) -> int:
    """Delete a never-submitted draft with its files (stored files after the commit).
    Returns the number of files. Call inside a transaction."""
    files = SubmissionFile.objects.filter(submission=submission)
    stored = stored_files(files)
    audit_record(
        action="submission.deleted",
        obj=submission,
        actor=actor,
        details={"reason": reason, "files": len(stored)},
    )
    submission.delete()
    delete_files_on_commit(stored)
    return len(stored)


def _replacement(value, code: str):
    if isinstance(value, Pseudonym):
        return value.for_code(code)
    if value is UNUSABLE_PASSWORD:
        return make_password(None)
    if value is STORED_FILE_DELETED:
        return ""
    return value


def _sessions_delete(user: User) -> int:
    """Sign the person out everywhere. Their sessions would fail anyway (the password hash
    they carry no longer matches), but each holds their id until it expires."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    from django.contrib.sessions.models import Session  # noqa: PLC0415 -- only with DB sessions

    mine = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(session_key__in=mine).delete()
    return len(mine)


def _outbox_forget(email: str) -> int:
    """Mail to the address, queued or sent: the address leaves `to`; a mail to nobody else
    is deleted. (The email announcing the erasure is queued afterwards.)"""
    changed = 0
    for mail in OutgoingEmail.objects.filter(to__icontains=email):
        kept = [address for address in mail.to if address.lower() != email.lower()]
        if len(kept) == len(mail.to):
            continue
        changed += 1
        if kept:
            mail.to = kept
            mail.save(update_fields=["to"])
        else:
            mail.delete()
    return changed


def _hand_over(user: User, *, kept_drafts: list[int]) -> dict[str, int]:
    """Another member takes over as contact of the organisation's submissions, and as its
    administrator where the person was the last one: the earliest administrator, else the
    earliest member."""
    contacts = 0
    for submission in Submission.objects.filter(contact=user):
        successor = (
            Membership.objects.filter(organisation_id=submission.organisation_id)
            .exclude(user=user)
            .order_by("role", "created_at", "pk")  # "admin" before "member"
            .values_list("user_id", flat=True)
            .first()
        )
        if successor is not None:
            Submission.objects.filter(pk=submission.pk).update(contact_id=successor)
            contacts += 1
    promoted = 0
    last_admin_of = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).exclude(
        Exists(
            Membership.objects.filter(
                organisation=OuterRef("organisation"), role=Membership.Role.ADMIN
            ).exclude(user=user)
        )
    )
    for organisation_id in last_admin_of.values_list("organisation_id", flat=True):
        successor = (
            Membership.objects.filter(organisation_id=organisation_id)
            .exclude(user=user)
            .order_by("created_at", "pk")
            .first()
        )
        if successor is not None:
            successor.role = Membership.Role.ADMIN
            successor.save(update_fields=["role"])
            promoted += 1
    # Their authorship of a draft the organisation keeps: the other members may still
    # submit it, without the person's name.
    authorship = Author.objects.filter(submission_id__in=kept_drafts, user=user).delete()[0]
    return {
        "contacts_handed_over": contacts,
        "administrators_promoted": promoted,
        "draft_authorships_removed": authorship,
    }


@transaction.atomic
def account_pseudonymise(
    *,
    user: User,
    by: User | None,
    request: ErasureRequest | None = None,
    cause: str = ErasedAccount.Cause.REQUEST,
) -> ErasedAccount:
    """Erase the account by pseudonymisation: what identifies the person is replaced or
    deleted (privacy/erasure.py), what they did for a workshop stays under the pseudonym,
    so that every figure already built is the same afterwards. Idempotent: an account
    already erased is left as it is.

    The person is told by email, at their address before it is replaced.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    existing = ErasedAccount.objects.filter(user=user).first()
    if existing is not None:
        return existing
    now = timezone.now()
    email, name, language = user.email, user.full_name, user.preferred_language
    erased = ErasedAccount(user=user, cause=cause, erased_at=now, erased_by=by, request=request)
    code = erased.code

    plan = selectors.erasure_plan(user=user).as_dict()
    kept_drafts = list(selectors.drafts_to_keep(user=user).values_list("pk", flat=True))
    result = {**plan, **_hand_over(user, kept_drafts=kept_drafts)}

    files_deleted = 0
    for submission in selectors.drafts_to_delete(user=user):
        files_deleted += submission_draft_delete(submission=submission, reason="erasure", actor=by)
    result["draft_files_deleted"] = files_deleted

    # Read before the publications are deleted and the statements cleared: the stored
    # vectors are found by their texts' hashes only.
    text_hashes = user_text_hashes(user_id=user.pk)
    stored: list[tuple[object, str]] = []
    for label in DELETED:
        rows = selectors.deleted_rows(label, user=user, email=email)
        if rows is not None:
            stored += stored_files(rows)
            rows.delete()
    for label, rule in PSEUDONYMISED.items():
        rows = selectors.replaced_rows(label, user=user, email=email)
        if rows is None:
            continue
        cleared_files = [f for f, value in rule.fields.items() if value is STORED_FILE_DELETED]
        if cleared_files:
            stored += stored_files(rows, fields=cleared_files)
        rows.update(**{field: _replacement(value, code) for field, value in rule.fields.items()})
    delete_files_on_commit(stored)
    result["text_embeddings_deleted"] = text_embeddings_delete(hashes=text_hashes)
    user.groups.clear()
    user.user_permissions.clear()
    result["sessions_deleted"] = _sessions_delete(user)
    result["emails_forgotten"] = _outbox_forget(email)

    email_queue_from_templates(
        to=[email],
        template_prefix="privacy/email/erasure_done",
        context={"cause": cause, "name": name},
        language=language,
    )
    erased.save(force_insert=True)
    if request is not None:
        ErasureRequest.objects.filter(pk=request.pk).update(
            state=State.DONE, completed_at=now, result=result, reason=""
        )
        request.refresh_from_db()
    user.refresh_from_db()
    audit_record(
        action="account.pseudonymised",
        obj=user,
        actor=by,
        details={
            "cause": cause,
            "request": request.code if request is not None else "",
            "counts": result,
            "email": personal(email),
            "full_name": personal(name),
        },
    )
    return erased
