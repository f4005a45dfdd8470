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
from portal.services.mail import absolute_url, email_queue_from_templates

_INVITATION_SALT = "portal.invitation"


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
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.ADMIN)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


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
def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


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
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    organisation = membership.organisation
    admins = organisation.memberships.filter(role=Membership.Role.ADMIN)
    if membership.role == Membership.Role.ADMIN and admins.count() <= 1:
        raise ValidationError(
            _("An organisation needs at least one administrator. Appoint another first.")
        )
    membership.delete()
