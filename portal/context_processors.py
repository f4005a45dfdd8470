from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from portal.permissions import has_perm

# The addresses every page's navigation and footer link to (base.html). The same for every
# request under one script prefix, so reversed once per process rather than 17 times on
# every page (a tenth of the reviewer dashboard's time).
NAV_URLS = {
    "home": "portal:home",
    "dashboard": "portal:dashboard",
    "submissions": "submissions:list",
    "reviews": "reviews:review_list",
    "organisations": "portal:organisation_list",
    "staff_workshops": "portal:staff_workshop_list",
    "audit_log": "portal:audit_log",
    "erasure_requests": "privacy:staff_erasure_list",
    "admin": "admin:index",
    "set_language": "portal:set_language",
    "profile": "portal:profile",
    "ties": "reviews:tie_list",
    "sign_out": "account_logout",
    "sign_in": "account_login",
    "sign_up": "account_signup",
    "privacy": "portal:privacy",
    "accessibility": "portal:accessibility",
}


@lru_cache(maxsize=8)
def _nav_urls(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in NAV_URLS.items()}


def nav_urls() -> dict[str, str]:
    """NAV_URLS reversed under this request's script prefix (also for the 500 page, which
    renders without the context processors)."""
    return _nav_urls(get_script_prefix())


def portal(request):
    user = getattr(request, "user", None)
    return {
        # Navigation only (which links to show); every staff page checks its own permission.
        "is_ai_office_staff": user is not None and has_perm(user, "portal.view_staff_pages"),
        "eulogin_enabled": bool(settings.EULOGIN_CLIENT_ID),
        "nav_urls": nav_urls(),
    }
