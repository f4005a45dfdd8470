"""The import contract that forbids module-level circles finds them (and only them)."""

from tests.import_contracts import _cycles


def test_finds_a_circle_and_names_its_modules():
    edges = {
        "app.services.mail": {"app.tasks"},
        "app.tasks": {"app.services.outbox"},
        "app.services.outbox": {"app.tasks"},
        "app.views": {"app.services.mail"},
    }
    assert _cycles(edges) == [["app.services.outbox", "app.tasks"]]


def test_a_chain_through_a_package_is_not_a_circle():
    edges = {
        "app.services.mail": {"app.tasks"},
        "app.tasks": {"app.services.outbox"},
        "app.services.outbox": set(),
    }
    assert _cycles(edges) == []
