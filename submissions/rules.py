"""Who may do what with a submission. Visibility itself lives in selectors."""

import rules

from portal.models import Membership
from portal.rules import is_ai_office_staff


@rules.predicate
def is_member_of_submitting_org(user, submission) -> bool:
    if not user.is_authenticated or submission is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=submission.organisation_id).exists()


@rules.predicate
def is_contact_or_org_admin(user, submission) -> bool:
    if not user.is_authenticated or submission is None:
        return False
    if submission.contact_id == user.pk:
        return True
    return Membership.objects.filter(
        user=user, organisation_id=submission.organisation_id, role=Membership.Role.ADMIN
    ).exists()


@rules.predicate
def is_editable(user, submission) -> bool:
    return submission is not None and submission.is_editable_state


rules.add_perm("submissions.edit_submission", is_member_of_submitting_org & is_editable)
rules.add_perm(
    "submissions.withdraw_submission",
    is_contact_or_org_admin & is_editable,
)
rules.add_perm("submissions.screen_submission", is_ai_office_staff)
rules.add_perm("submissions.restore_submission", is_ai_office_staff)
rules.add_perm("submissions.extend_deadline", is_ai_office_staff)
rules.add_perm("submissions.view_as_member", is_member_of_submitting_org)
