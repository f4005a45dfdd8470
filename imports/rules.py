"""Imports are AI Office staff's: they create submissions and reviews for any organisation."""

from portal.rules import is_ai_office_staff

PERMISSIONS = {
    "imports.run_imports": is_ai_office_staff,
}
