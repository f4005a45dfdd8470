"""The address of the JavaScript catalogue (Django's JavaScriptCatalog, `djangojs` domain).

The scripts in static/portal/ take their strings from `gettext()`, `ngettext()` and
`interpolate()`, which the catalogue defines. Its address names the language and a version
(a digest of the compiled catalogue and of Django's version), so a browser may keep it for a
year: a new translation, or a new Django, is a new address.
"""

import hashlib
from functools import lru_cache

import django
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

CATALOGUE_MAX_AGE = 365 * 24 * 3600
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def compiled_catalogue(language: str):
    return settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "djangojs.mo"


@lru_cache(maxsize=len(LANGUAGE_CODES))
def catalogue_version(language: str) -> str:
    digest = hashlib.sha256(django.get_version().encode())
    path = compiled_catalogue(language)
    if path.exists():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=4 * len(LANGUAGE_CODES))
def _catalogue_url(script_prefix: str, language: str) -> str:
    path = reverse("portal:javascript_catalog", kwargs={"language": language})
    return f"{path}?v={catalogue_version(language)}"


def catalogue_url() -> str:
    """The catalogue of the active language (English when that is not one of ours)."""
    language = get_language()
    if language not in LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    return _catalogue_url(get_script_prefix(), language)
