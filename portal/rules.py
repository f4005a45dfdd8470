"""Permission predicates for the core objects (organisations, workshops), and the two that
every app builds on: AI Office staff, and membership of an organisation.

Registered by PortalConfig.ready() through `portal.permissions.register`.
"""

from collections.abc import Callable
from typing import Any

import rules

from portal.models import Membership


@rules.predicate
def is_ai_office_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_ai_office_staff)


def member_of(
    organisation_id_of: Callable[[Any], int | None], *, admin: bool = False, name: str
) -> rules.Predicate:
    """The one membership predicate: is the user a member (with `admin`, an administrator)
    of the organisation that `organisation_id_of(obj)` names?

    Each app says where its object keeps the organisation (a submission's
    `organisation_id`, a report job's, an organisation's own `pk`); what membership means
    is decided here only.
    """

    def predicate(user, obj) -> bool:
        if not user.is_authenticated or obj is None:
            return False
        organisation_id = organisation_id_of(obj)
        if organisation_id is None:
            return False
        role = _role_in(user, organisation_id)
        if admin:
            return role == Membership.Role.ADMIN
        return role is not None

    return rules.Predicate(predicate, name=name)


def _role_in(user, organisation_id: int) -> str | None:
    """The user's role in the organisation (None: not a member), queried once per user
    object, so once per request: a page checks several permissions on one object (see,
    edit, withdraw), each through this. As Django's ModelBackend caches a user's
    permissions on the user object (_perm_cache)."""
    roles = user.__dict__.setdefault("_portal_organisation_roles", {})
    if organisation_id not in roles:
        roles[organisation_id] = (
            Membership.objects.filter(user=user, organisation_id=organisation_id)
            .values_list("role", flat=True)
            .first()
        )
    return roles[organisation_id]


is_org_member = member_of(lambda organisation: organisation.pk, name="is_org_member")
is_org_admin = member_of(lambda organisation: organisation.pk, admin=True, name="is_org_admin")

PERMISSIONS = {
    # Pages for everyone, signed in or not: what a page shows is still decided by the
    # selectors (a workshop still in draft answers 404), a token link by its token.
    "portal.view_public_pages": rules.always_allow,
    # Pages for every signed-in person: dashboard, profile, their own lists.
    "portal.use_portal": rules.is_authenticated,
    "portal.create_organisation": rules.is_authenticated,
    # "see", not "view": portal.view_organisation is the admin's model permission.
    # Staff first: no membership query for them (`|` stops at the first that answers yes).
    "portal.see_organisation": is_ai_office_staff | is_org_member,
    "portal.manage_organisation": is_ai_office_staff | is_org_admin,
    # Staff see every organisation and every workshop, drafts included (selectors).
    "portal.view_all_organisations": is_ai_office_staff,
    "portal.view_all_workshops": is_ai_office_staff,
    "portal.manage_workshops": is_ai_office_staff,
    "portal.view_staff_pages": is_ai_office_staff,
    # The audit log (its page, its CSV, the "History" panels in full): AI Office staff, who
    # also need a second factor for it, as for every staff page (middleware).
    "portal.view_audit_log": is_ai_office_staff,
    # Personal API tokens: everyone manages their own (the lookup finds no one else's).
    "portal.manage_api_tokens": rules.is_authenticated,
}
