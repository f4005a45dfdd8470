"""Who may act on personal data: each person on their own, AI Office staff on requests."""

import rules

from portal.rules import is_ai_office_staff
from privacy.models import ErasureRequest


@rules.predicate
def is_own_request(user, erasure_request) -> bool:
    return (
        erasure_request is not None and user.is_authenticated and erasure_request.user_id == user.pk
    )


@rules.predicate
def is_waiting_for_decision(user, erasure_request) -> bool:
    return erasure_request is not None and erasure_request.state == ErasureRequest.State.REQUESTED


@rules.predicate
def is_export_owner(user, export) -> bool:
    # Not staff either: an export is one person's data, for that person only.
    return bool(user.is_authenticated and export is not None and export.user_id == user.pk)


PERMISSIONS: dict = {
    # Everyone signed in may ask for their own account to be erased (staff too: another
    # member of staff decides).
    "privacy.request_erasure": rules.is_authenticated,
    "privacy.withdraw_erasure": is_own_request & is_waiting_for_decision,
    "privacy.view_erasure_requests": is_ai_office_staff,
    # Never on one's own request.
    "privacy.decide_erasure": is_ai_office_staff & ~is_own_request & is_waiting_for_decision,
    # Everyone signed in may have a copy of their own data (Art. 17 and 22 EUDPR).
    "privacy.request_data_export": rules.is_authenticated,
    "privacy.see_data_export": is_export_owner,
    "privacy.download_data_export": is_export_owner,
}
