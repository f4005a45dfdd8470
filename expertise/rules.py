"""Who may do what with publication lists. Everyone signed in keeps their own list (it
serves reviewers and applicants alike); a publication is changed by its owner only, and
the lookup answers 404 for anyone else's (see lookups.py), staff included: staff read an
applicant's list on the application, never through these pages.

Registered by ExpertiseConfig.ready() through `portal.permissions.register`.
"""

import rules

from portal.rules import is_ai_office_staff


@rules.predicate
def is_own_publication(user, publication) -> bool:
    return publication is not None and publication.user_id == user.pk


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and person.pk == user.pk


PERMISSIONS = {
    # Names avoid Django's model permissions (add_/change_/delete_/view_publication).
    "expertise.keep_publications": rules.is_authenticated,
    "expertise.edit_publication": is_own_publication,
    "expertise.remove_publication": is_own_publication,
    # A person's list, shown on their reviewer application: to them, and to staff.
    "expertise.see_publications_of": is_self | is_ai_office_staff,
}
