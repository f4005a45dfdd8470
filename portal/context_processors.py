from django.conf import settings

from portal.permissions import has_perm


def portal(request):
    user = getattr(request, "user", None)
    return {
        # Navigation only (which links to show); every staff page checks its own permission.
        "is_ai_office_staff": user is not None and has_perm(user, "portal.view_staff_pages"),
        "eulogin_enabled": bool(settings.EULOGIN_CLIENT_ID),
    }
