"""Error pages in the portal's layout, each saying what happened and where to go next.

Paths under /api/ never reach these pages as HTML: api.problems answers them as problem
documents (its middleware replaces the 404 and 500 pages, DRF's handler the rest).
"""

from django.core.exceptions import DisallowedHost
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.middleware.csrf import get_token
from django.template import Context, loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

from portal.context_processors import nav_urls


def _back_url(request):
    """The page the visitor came from, when it is one of ours (never an outside address, and
    never this same address, which would only show the error again)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:
        host = request.get_host()
    except DisallowedHost:
        # The 400 page for a request to a host we don't serve: no link back to it.
        return ""
    if referer == request.build_absolute_uri():
        return ""
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    )
    return referer if allowed else ""


def _render(request, template_name, response_class, **context):
    context["back_url"] = _back_url(request)
    return response_class(loader.render_to_string(template_name, context, request))


@requires_csrf_token
def bad_request(request, exception=None):
    return _render(request, "400.html", HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "403.html", HttpResponseForbidden)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, "404.html", HttpResponseNotFound, request_path=request.path)


@requires_csrf_token
def csrf_failure(request, reason=""):
    # The reason is for the log, not the visitor: it names Django's internals.
    return _render(request, "403_csrf.html", HttpResponseForbidden)


@requires_csrf_token
def server_error(request):
    """Rendered without the context processors: the database may be what failed, and they
    (request.user, the staff check, messages in the session) would query it. The template
    sees only the request and a CSRF token (from the cookie, not the database). Whether the
    visitor is signed in is unknown here, so the layout offers neither the account menu nor
    "Sign in": a signed-in user offered to sign in would think the error signed them out."""
    template = loader.get_template("500.html")
    context = Context(
        {
            "request": request,
            "csrf_token": get_token(request),
            "back_url": _back_url(request),
            "nav_urls": nav_urls(),
            "account_unknown": True,
        }
    )
    return HttpResponseServerError(template.template.render(context))
