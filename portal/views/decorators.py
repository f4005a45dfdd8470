from portal.permissions import permission_required


def staff_required(view):
    """AI Office staff only. MFA is enforced for them by StaffMFARequiredMiddleware."""
    return permission_required("portal.view_staff_pages")(view)
