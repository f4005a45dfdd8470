"""Permission predicates for the core objects (organisations, workshops)."""

import rules

from portal.models import Membership


@rules.predicate
def is_ai_office_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_ai_office_staff)


@rules.predicate
def is_org_member(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


@rules.predicate
def is_org_admin(user, organisation) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


rules.add_perm("portal.view_organisation", is_org_member | is_ai_office_staff)
rules.add_perm("portal.manage_organisation", is_org_admin | is_ai_office_staff)
rules.add_perm("portal.manage_workshops", is_ai_office_staff)
rules.add_perm("portal.view_staff_pages", is_ai_office_staff)
