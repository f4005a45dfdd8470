"""Who may act on personal data: each person on their own, AI Office staff on requests."""

import rules


@rules.predicate
def is_export_owner(user, export) -> bool:
    # Not staff either: an export is one person's data, for that person only.
    return bool(user.is_authenticated and export is not None and export.user_id == user.pk)


PERMISSIONS: dict = {
    # Everyone signed in may have a copy of their own data (Art. 17 and 22 EUDPR).
    "privacy.request_data_export": rules.is_authenticated,
    "privacy.see_data_export": is_export_owner,
    "privacy.download_data_export": is_export_owner,
}
