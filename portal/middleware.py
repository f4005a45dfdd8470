import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.context import new_request_id, set_request_id
from portal.selectors import user_needs_second_factor

# Pages a staff member without MFA may still open: what is needed to set MFA up, log out,
# switch language, and read the legal pages. The API (api/) refuses such a person itself,
# with a 403 a script understands rather than a redirect to a page.
_MFA_EXEMPT_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/privacy/",
    "/accessibility/",
    "/api/",
)


class RequestIdMiddleware:
    """Gives each request an id: in the X-Request-ID response header, on every log line
    the request causes (the server's own line included) and on its audit events.

    A proxy's X-Request-ID is kept when it looks like an id, so that one request can be
    followed from the proxy's log to ours. The id is not reset after the response: the
    server writes its access line after the response left the middleware, on this thread.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = new_request_id(request.headers.get("X-Request-ID"))
        set_request_id(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class PrivateCacheControlMiddleware:
    """Nothing personal is stored by a browser's or a proxy's cache.

    Every response to a signed-in user, and every one that sets or clears the session
    cookie (signing in and out, a login half-way through MFA), is `private, no-store`:
    its page shows confidential submissions, reviews and names, which must not stay on a
    shared computer's disk nor be served by a shared cache to someone else. Any other
    response that sets a cookie (the CSRF cookie of a page with a form) is `private`, so
    that no shared cache hands one visitor's cookie to the next. A view that sets
    Cache-Control itself (downloads, job status) keeps its own.

    Placed before SessionMiddleware, so that it sees the cookies the session and CSRF
    middleware set on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)  # absent if a middleware answered first
        if (user is not None and user.is_authenticated) or (
            settings.SESSION_COOKIE_NAME in response.cookies
        ):
            response["Cache-Control"] = "private, no-store"
        elif response.cookies:
            response["Cache-Control"] = "private"
        return response


def _offered(language: str) -> str | None:
    """The language of settings.LANGUAGES that serves `language`, or None."""
    try:
        return translation.get_supported_language_variant(language) if language else None
    except LookupError:
        return None


class UserPreferencesMiddleware:
    """Activates the user's display time zone and preferred language.

    The language is negotiated in this order: the profile's language, if the portal is
    offered in it; the language switcher's cookie and then the browser's Accept-Language
    (Django's LocaleMiddleware, which runs before this, among settings.LANGUAGES only);
    English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            language = _offered(user.preferred_language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """AI Office staff cannot open any portal page until a second factor is active.

    allauth has no "MFA required" switch. Enforcing it here, for every path rather than per
    view, means a new staff page cannot forget it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not request.path.startswith(_MFA_EXEMPT_PREFIXES) and user_needs_second_factor(
            user=user
        ):
            messages.warning(
                request,
                _(
                    "AI Office staff must set up two-factor authentication before using "
                    "the portal. Scan the code with an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NulInPathMiddleware:
    """An address with a NUL byte in its path names no page: 404 before any view runs.

    Views look codes from the path up in the database, and PostgreSQL refuses a NUL byte in
    a text parameter: without this, /organisations/a%00b/ answered 500. Query strings are
    left to each list view's filter form (portal.filters), which says what it refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        return self.get_response(request)
