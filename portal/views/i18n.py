"""The JavaScript catalogue: the `djangojs` translations the portal's scripts use."""

from django.http import Http404
from django.utils import translation
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from portal.javascript_catalog import CATALOGUE_MAX_AGE, LANGUAGE_CODES
from portal.permissions import permission_required

# Only the portal's own catalogue (portal/locale), not the admin's JavaScript strings.
# Cached for a day per address and language: the catalogue is the same for everyone.
_catalogue = cache_page(24 * 3600, key_prefix="jsi18n")(
    JavaScriptCatalog.as_view(packages=["portal"])
)


@permission_required("portal.view_public_pages", login_required=False)
def javascript_catalog(request, language: str):
    """The catalogue of the language in the address, whatever the visitor's own language:
    the address is what a browser caches, so it alone decides the content."""
    if language not in LANGUAGE_CODES:
        raise Http404
    with translation.override(language):
        response = _catalogue(request)
    # Nothing personal in it, and its address changes with its content (?v=): browsers and
    # proxies may keep it for a year (cache_page's own one-day headers are replaced).
    response["Cache-Control"] = f"public, max-age={CATALOGUE_MAX_AGE}, immutable"
    del response["Expires"]
    return response
