"""Who may do what with a submission. Visibility itself lives in selectors."""

import rules

from portal.rules import is_ai_office_staff, member_of

is_member_of_submitting_org = member_of(
    lambda submission: submission.organisation_id, name="is_member_of_submitting_org"
)
is_admin_of_submitting_org = member_of(
    lambda submission: submission.organisation_id,
    admin=True,
    name="is_admin_of_submitting_org",
)


@rules.predicate
def is_contact(user, submission) -> bool:
    return user.is_authenticated and submission is not None and submission.contact_id == user.pk


@rules.predicate
def is_editable(user, submission) -> bool:
    return submission is not None and submission.is_editable_state


PERMISSIONS = {
    "submissions.edit_submission": is_member_of_submitting_org & is_editable,
    "submissions.withdraw_submission": (is_contact | is_admin_of_submitting_org) & is_editable,
    "submissions.screen_submission": is_ai_office_staff,
    "submissions.restore_submission": is_ai_office_staff,
    "submissions.extend_deadline": is_ai_office_staff,
    "submissions.view_as_member": is_member_of_submitting_org,
}
