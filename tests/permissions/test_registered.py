"""Every registered permission is checked somewhere, and the registry is what the apps
declare: "permissions defined and never checked: either a view checks each one, or it
goes"."""

import importlib
from pathlib import Path

import rules
from django.conf import settings

APPS = ("portal", "criteria", "submissions", "reviews", "assignment", "reports", "privacy")


def _declared() -> dict[str, object]:
    declared = {}
    for app in APPS:
        declared.update(importlib.import_module(f"{app}.rules").PERMISSIONS)
    return declared


def test_the_registry_holds_what_the_apps_declare():
    registered = {name for name in rules.permissions.permissions if name.split(".")[0] in APPS}
    assert registered == set(_declared())


def test_every_permission_is_checked_somewhere():
    """Named by a view, lookup, selector, service, template tag or template (as
    `perms.app.name`), never only by the rules module that defines it."""
    root = Path(settings.BASE_DIR)
    sources = [
        path.read_text()
        for folder in (*APPS, "templates")
        for path in (root / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt") and path.name != "rules.py"
    ]
    unchecked = [
        perm
        for perm in _declared()
        if not any(f'"{perm}"' in source or f"perms.{perm}" in source for source in sources)
    ]
    assert unchecked == []
