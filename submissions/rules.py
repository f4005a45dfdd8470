"""Who may do what with a submission. Visibility itself lives in selectors."""

import rules

from portal.rules import is_ai_office_staff, is_org_member, member_of

is_member_of_submitting_org = member_of(
    lambda submission: submission.organisation_id, name="is_member_of_submitting_org"
)
is_admin_of_submitting_org = member_of(
    lambda submission: submission.organisation_id,
    admin=True,
    name="is_admin_of_submitting_org",
)
# Files and versions belong to the organisation of their submission.
is_member_of_owning_org = member_of(
    lambda part: part.submission.organisation_id, name="is_member_of_owning_org"
)


@rules.predicate
def is_contact(user, submission) -> bool:
    return user.is_authenticated and submission is not None and submission.contact_id == user.pk


@rules.predicate
def is_editable(user, submission) -> bool:
    return submission is not None and submission.is_editable_state


PERMISSIONS = {
    # Anyone signed in may start one; the service checks membership of the organisation
    # chosen and that the call is open, with messages the person can act on.
    "submissions.create_submission": rules.is_authenticated,
    # On behalf of an organisation: its members only, never staff for someone else.
    "submissions.submit_for_organisation": is_org_member,
    # "see", not "view": submissions.view_submission is Django's model permission.
    # The checks that need no query come first: `|` and `&` stop at the first that decides,
    # so staff, and a submission no longer editable, cost no membership query.
    "submissions.see_submission": is_ai_office_staff | is_member_of_submitting_org,
    "submissions.download_file": is_ai_office_staff | is_member_of_owning_org,
    "submissions.edit_submission": is_editable & is_member_of_submitting_org,
    "submissions.withdraw_submission": is_editable & (is_contact | is_admin_of_submitting_org),
    # Staff: every submission of every workshop (selectors), screening, extensions,
    # restoring a withdrawn one, and what changed between versions.
    "submissions.view_all_submissions": is_ai_office_staff,
    "submissions.screen_submission": is_ai_office_staff,
    "submissions.restore_submission": is_ai_office_staff,
    "submissions.extend_deadline": is_ai_office_staff,
    "submissions.view_version_diff": is_ai_office_staff,
}
