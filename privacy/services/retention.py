"""The daily retention run (privacy.tasks.task_apply_retention, `manage.py apply_retention`).

Each step finds what is due at `now` and acts on each object in a transaction of its own,
so that a run stopped half-way has done part of the work and the next run does the rest;
run again at the same `now`, it finds nothing left to do. Limits are settings
(README, "Personal data: erasure and retention"); an object exactly at its limit stays.
"""

import logging
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from assignment.services.embeddings import text_embeddings_purge_orphans
from portal.models import User
from portal.services.audit import audit_purge, audit_record
from portal.services.mail import absolute_url, email_queue_from_templates
from portal.services.outbox import email_outbox_purge
from privacy import selectors
from privacy.exports.retention import data_exports_purge
from privacy.models import ErasedAccount, ErasureRequest, RetentionWarning
from privacy.services.erasure import (
    account_pseudonymise,
    erasure_request_complete,
    submission_draft_delete,
)

logger = logging.getLogger(__name__)

# What an account holds about itself only: rows that do not stop an unverified account
# from being deleted. The audit log keeps its events (it shows "deleted account").
_ACCOUNT_ONLY = frozenset(
    {
        "account.EmailAddress",
        "mfa.Authenticator",
        "socialaccount.SocialAccount",
        "portal.AuditEvent",
        "privacy.RetentionWarning",
    }
)


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def years_after(moment: datetime, years: int) -> datetime:
    return years_before(moment, -years)


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every retention rule due at `now`; one `retention.applied` event with the
    counts (and an event per object: account.deleted, account.warned,
    account.pseudonymised, submission.deleted)."""
    now = now or timezone.now()
    counts = {"erasures_completed": _complete_approved_requests()}
    counts["unverified_accounts_deleted"] = _delete_unverified_accounts(now)
    counts["drafts_deleted"], counts["draft_files_deleted"] = _delete_old_drafts(now)
    counts["inactive_accounts_warned"], counts["inactive_accounts_pseudonymised"] = (
        _inactive_accounts(now)
    )
    counts["data_exports_purged"] = _purge_data_exports(now)
    counts["audit_events_purged"] = audit_purge(
        before=years_before(now, settings.AUDIT_RETENTION_YEARS)
    )
    counts["emails_purged"] = email_outbox_purge(
        before=now - timedelta(days=settings.OUTGOING_EMAIL_RETENTION_DAYS)
    )
    # After the erasures and account deletions above, whose texts' vectors it catches too.
    counts["text_embeddings_purged"] = text_embeddings_purge_orphans()
    with transaction.atomic():
        audit_record(
            action="retention.applied",
            object_type_name="retention",
            code="",
            details={"now": now, "counts": counts},
        )
    return counts


def _complete_approved_requests() -> int:
    """Approved requests whose worker never ran (the broker was down, say)."""
    done = 0
    for erasure_request in ErasureRequest.objects.filter(state=ErasureRequest.State.APPROVED):
        if erasure_request_complete(erasure_request=erasure_request) is not None:
            done += 1
    return done


# --- accounts never verified ---------------------------------------------------------------


def users_holding_data(user_ids: list[int]) -> set[int]:
    """Of these accounts, those that anything but their own sign-in data points at: a
    membership, an application, a submission they are the contact of, a group (through
    Django's own table)... One query per relation, whatever the number of accounts."""
    busy: set[int] = set()
    if not user_ids:
        return busy
    for relation in User._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and not relation.many_to_many:
            model = relation.related_model
            if model._meta.label in _ACCOUNT_ONLY:
                continue
            busy.update(
                model._base_manager.filter(**{f"{relation.field.name}__in": user_ids}).values_list(
                    relation.field.attname, flat=True
                )
            )
    return busy


def _unverified(now: datetime):
    """Accounts past the limit whose address was never verified and that never signed in
    (with mandatory verification, they could not have)."""
    limit = now - timedelta(days=settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS)
    return (
        User.objects.filter(is_active=True, last_login__isnull=True, date_joined__lt=limit)
        .exclude(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
        .exclude(selectors.accounts_exempt_from_retention())
        .exclude(Exists(ErasedAccount.objects.filter(user=OuterRef("pk"))))
    )


def _delete_unverified_accounts(now: datetime) -> int:
    """Delete never-verified accounts that hold nothing. One that holds something was made
    for its person by someone else (an EU Survey import of submissions or reviewer
    applications makes accounts that are never verified until their person signs in):
    deleting it would take that data along, so it is left to the inactivity rule below."""
    ids = list(_unverified(now).values_list("pk", flat=True))
    empty = sorted(set(ids) - users_holding_data(ids))
    deleted = 0
    for pk in empty:
        with transaction.atomic():
            # Checked again under lock: the person may have verified in the meantime.
            user = _unverified(now).select_for_update().filter(pk=pk).first()
            if user is None or users_holding_data([pk]):
                continue
            audit_record(action="account.deleted", obj=user, details={"reason": "unverified"})
            user.delete()
            deleted += 1
    return deleted


# --- drafts never submitted ---------------------------------------------------------------


def _delete_old_drafts(now: datetime) -> tuple[int, int]:
    limit = now - timedelta(days=settings.RETENTION_DRAFT_DAYS)
    due = (
        selectors.never_submitted_drafts()
        .annotate(closed_at=Coalesce("extended_deadline", "workshop__submission_closes_at"))
        .filter(closed_at__lt=limit)
    )
    drafts = files = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            submission = due.select_for_update(of=("self",)).filter(pk=pk).first()
            if submission is None:
                continue
            files += submission_draft_delete(submission=submission, reason="retention")
            drafts += 1
    return drafts, files


# --- inactive accounts ------------------------------------------------------------------


def _inactive_accounts(now: datetime) -> tuple[int, int]:
    """Warn, then pseudonymise, accounts whose person took part in nothing (and did not
    sign in) for RETENTION_INACTIVE_ACCOUNT_YEARS. The warning goes out once,
    RETENTION_INACTIVE_WARNING_DAYS before; a sign-in after it starts the clock again."""
    years = settings.RETENTION_INACTIVE_ACCOUNT_YEARS
    notice = timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    horizon = years_before(now + notice, years)
    candidates = list(
        User.objects.filter(is_active=True)
        .exclude(selectors.accounts_exempt_from_retention())
        .exclude(Exists(ErasedAccount.objects.filter(user=OuterRef("pk"))))
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lte=horizon)
        .order_by("pk")
    )
    ids = [user.pk for user in candidates]
    participation = selectors.last_participation(user_ids=ids)
    warnings = {w.user_id: w for w in RetentionWarning.objects.filter(user_id__in=ids)}
    warned = pseudonymised = 0
    for user in candidates:
        last_activity = max(user.last_seen, participation.get(user.pk, user.last_seen))
        deadline = years_after(last_activity, years)
        if now < deadline - notice:
            continue
        warning = warnings.get(user.pk)
        if warning is None or warning.warned_at < last_activity:
            _warn(user, now=now, erase_after=max(deadline, now + notice))
            warned += 1
        elif now > warning.erase_after:
            try:
                account_pseudonymise(user=user, by=None, cause=ErasedAccount.Cause.RETENTION)
            except Exception:
                # One account that cannot be erased must not keep every other one forever.
                logger.exception("Retention could not pseudonymise account %s", user.pk)
                continue
            pseudonymised += 1
    return warned, pseudonymised


@transaction.atomic
def _warn(user: User, *, now: datetime, erase_after: datetime) -> None:
    RetentionWarning.objects.update_or_create(
        user=user, defaults={"warned_at": now, "erase_after": erase_after}
    )
    email_queue_from_templates(
        to=[user.email],
        template_prefix="privacy/email/inactive_warning",
        context={"erase_after": erase_after, "url": absolute_url("/accounts/login/")},
        language=user.preferred_language,
    )
    audit_record(action="account.warned", obj=user, details={"erase_after": erase_after})


# --- data exports ------------------------------------------------------------------------


def _purge_data_exports(now: datetime) -> int:
    """A person's data exports past their expiry (and failed ones as long after), files
    included once the deletion commits."""
    return data_exports_purge(now=now)
