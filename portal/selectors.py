"""Reads and visibility for the core objects. Views, exports and tasks reuse these."""

from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.models import ApiToken, Invitation, Membership, Organisation, User, Workshop
from portal.permissions import has_perm


def user_needs_second_factor(*, user: User) -> bool:
    """AI Office staff (and admin users) without an active second factor: they may use
    nothing until they set one up (the middleware for pages, the API for scripts), nor
    make an API token."""
    return (
        user.is_authenticated
        and (user.is_ai_office_staff or user.is_staff)
        and not is_mfa_enabled(user)
    )


def organisations_visible_to(*, user: User) -> QuerySet[Organisation]:
    qs = Organisation.objects.annotate(member_count=Count("memberships", distinct=True))
    if has_perm(user, "portal.view_all_organisations"):
        return qs
    return qs.filter(Exists(Membership.objects.filter(organisation=OuterRef("pk"), user=user)))


def organisations_of_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations a person belongs to, with their own role annotated."""
    return Organisation.objects.filter(memberships__user=user).annotate(
        my_role=F("memberships__role")
    )


def organisation_get_for_user(*, code: str, user: User) -> Organisation:
    """The organisation, or 404 for anyone who may not see it (never 403 with a hint)."""
    try:
        return organisations_visible_to(user=user).get(code=code)
    except Organisation.DoesNotExist:
        raise Http404 from None


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__email")


def organisation_open_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def workshops_visible_to(*, user: User) -> QuerySet[Workshop]:
    if has_perm(user, "portal.view_all_workshops"):
        return Workshop.objects.all()
    # Everyone else sees a workshop once it has opened, unless staff hold it back as draft.
    now = timezone.now()
    return Workshop.objects.filter(
        (Q(phase_override="") & Q(submission_opens_at__lte=now))
        | (~Q(phase_override="") & ~Q(phase_override=Workshop.Phase.DRAFT))
    )


def workshop_get_for_user(*, code: str, user: User) -> Workshop:
    try:
        return workshops_visible_to(user=user).get(code=code)
    except Workshop.DoesNotExist:
        raise Http404 from None


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """A person's own tokens; nobody else's are ever listed, staff included."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_token_get_for_user(*, code: str, user: User) -> ApiToken:
    try:
        return api_tokens_of(user=user).get(code=code)
    except ApiToken.DoesNotExist:
        raise Http404 from None
