from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def staff_required(view):
    """AI Office staff only. MFA is enforced for them by StaffMFARequiredMiddleware."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("portal.view_staff_pages"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
