from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Invitation, Membership, Organisation, User
from portal.services.audit import (
    audit_changes,
    audit_record,
    audit_snapshot,
    audit_stored,
    personal,
)
from portal.services.mail import absolute_url, email_queue_from_templates

_INVITATION_SALT = "portal.invitation"
_ORGANISATION_FIELDS = ["name", "type", "country", "website"]


def _organisation_values(values: dict) -> dict:
    # The country as its code: the field gives a Country object, the database a string.
    return {**values, "country": str(values["country"]) if values["country"] else ""}


class InvitationError(Exception):
    """Why an invitation link cannot be used. `code` picks the page shown."""

    def __init__(self, code: str, invitation: Invitation | None = None):
        super().__init__(code)
        self.code = code
        self.invitation = invitation


@transaction.atomic
def organisation_create(
    *, user: User, name: str, type: str, country: str, website: str = ""
) -> Organisation:
    organisation = Organisation(name=name.strip(), type=type, country=country, website=website)
    organisation.full_clean()
    organisation.save()
    membership = Membership.objects.create(
        organisation=organisation, user=user, role=Membership.Role.ADMIN
    )
    after = _organisation_values(audit_snapshot(organisation, _ORGANISATION_FIELDS))
    audit_record(
        action="organisation.created",
        obj=organisation,
        actor=user,
        changes=audit_changes(dict.fromkeys(_ORGANISATION_FIELDS), after),
    )
    _record_membership_added(membership, actor=user)
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, user: User | None = None, **fields
) -> Organisation:
    # Stored values: the edit form has already written the new ones onto the instance.
    before = _organisation_values(audit_stored(organisation, _ORGANISATION_FIELDS))
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    changes = audit_changes(
        before, _organisation_values(audit_snapshot(organisation, _ORGANISATION_FIELDS))
    )
    if changes:
        audit_record(action="organisation.updated", obj=organisation, actor=user, changes=changes)
    return organisation


def _record_membership_added(membership: Membership, *, actor: User | None, **details) -> None:
    audit_record(
        action="membership.added",
        obj=membership,
        actor=actor,
        details={
            "organisation": membership.organisation.code,
            "user": membership.user_id,
            "role": membership.role,
            **details,
        },
    )


def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps(invitation.code, salt=_INVITATION_SALT, compress=False)


def invitation_url(*, invitation: Invitation) -> str:
    path = reverse("portal:invitation_accept", args=[invitation_token(invitation=invitation)])
    return absolute_url(path)


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, invited_by: User
) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(org)s.")
                % {"email": email, "org": organisation.name}
            }
        )
    now = timezone.now()
    # Inviting the same address again replaces the open invitation (a fresh link, a new
    # expiry), so the old link stops working.
    Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )
    audit_record(
        action="invitation.created",
        obj=invitation,
        actor=invited_by,
        details={
            "organisation": organisation.code,
            "email": personal(email),
            "role": role,
            "expires_at": invitation.expires_at,
        },
    )
    existing = User.objects.filter(email__iexact=email).first()
    email_queue_from_templates(
        to=[email],
        template_prefix="portal/email/invitation",
        context={
            "invitation": invitation,
            "organisation": organisation,
            "inviter": invited_by,
            "url": invitation_url(invitation=invitation),
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        },
        language=existing.preferred_language if existing else None,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user: User | None = None) -> None:
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="invitation.revoked",
            obj=invitation,
            actor=user,
            details={"organisation": invitation.organisation.code},
        )


def invitation_from_token(*, token: str) -> Invitation:
    """Resolve a link to its invitation, or raise InvitationError('invalid' | 'expired')."""
    try:
        code = signing.loads(
            token,
            salt=_INVITATION_SALT,
            max_age=timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        )
    except signing.SignatureExpired:
        raise InvitationError("expired") from None
    except signing.BadSignature:
        raise InvitationError("invalid") from None
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(code=code).first()
    )
    if invitation is None:
        raise InvitationError("invalid")
    return invitation


def invitation_check(*, invitation: Invitation, user: User | None) -> None:
    """Raise InvitationError if this person cannot accept this invitation now."""
    if invitation.accepted_at is not None:
        raise InvitationError("used", invitation)
    if invitation.revoked_at is not None:
        raise InvitationError("revoked", invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired", invitation)
    if user is None or not user.is_authenticated:
        return
    if Membership.objects.filter(organisation=invitation.organisation, user=user).exists():
        raise InvitationError("already_member", invitation)
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()
    if not verified:
        raise InvitationError("wrong_user", invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    # Lock the row: two tabs accepting at once must not both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check(invitation=invitation, user=user)
    membership = Membership.objects.create(
        organisation=invitation.organisation, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="invitation.accepted",
        obj=invitation,
        actor=user,
        details={"organisation": invitation.organisation.code, "role": invitation.role},
    )
    _record_membership_added(membership, actor=user, invitation=invitation.code)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, user: User | None = None) -> None:
    organisation = membership.organisation
    admins = organisation.memberships.filter(role=Membership.Role.ADMIN)
    if membership.role == Membership.Role.ADMIN and admins.count() <= 1:
        raise ValidationError(
            _("An organisation needs at least one administrator. Appoint another first.")
        )
    # Recorded before the row goes: the event keeps its code, the person's id and role.
    audit_record(
        action="membership.removed",
        obj=membership,
        actor=user,
        details={
            "organisation": organisation.code,
            "user": membership.user_id,
            "role": membership.role,
        },
    )
    membership.delete()
