"""Every list view reads its query string through a filter form (portal.filters).

For each parameter of each list view: a NUL byte (PostgreSQL refuses it: run this module
with DATABASE_URL=postgres://... too), 10,000 characters, and a value of the wrong type are
refused with the field's own message: a page answers 400 and shows it above the list, a
file export answers 400 in plain text instead of a download cut short.

`test_every_view_reading_the_query_string_is_in_the_table` keeps the table complete: a new
view that reads request.GET (or calls filters_from) fails until it has a row here.
"""

import ast
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils.html import escape

from tests.assignment.helpers import Instance, done_run
from tests.factories import ReviewerApplicationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
LONG = "x" * 10_000


@dataclass(frozen=True)
class Kind:
    """What a parameter holds: a value of the wrong type for it, and the message that
    refuses a bad value."""

    wrong: str | None
    message: Callable[[str], str]


def _text(max_length: int) -> Kind:
    def message(value: str) -> str:
        if "\x00" in value:
            return "Null characters are not allowed."
        return f"Ensure this value has at most {max_length} characters (it has {len(value)})."

    # Any text is a search: nothing is of the wrong type.
    return Kind(wrong=None, message=message)


SEARCH = _text(200)
CODE = _text(16)
CHOICE = Kind(
    wrong="999999999999999999999",
    message=lambda value: f"Select a valid choice. {value} is not one of the available choices.",
)
WHOLE = Kind(wrong="abc", message=lambda value: "Enter a whole number.")
FLAG = Kind(wrong="maybe", message=lambda value: "Tick the box or leave it empty.")


@dataclass(frozen=True)
class Scene:
    workshop: object
    run: object


@dataclass(frozen=True)
class ListView:
    url_name: str
    args: Callable[[Scene], list]
    persona: str
    params: dict[str, Kind]
    export: bool = False


def _none(scene):
    return []


def _workshop(scene):
    return [scene.workshop.code]


def _run(scene):
    return [scene.workshop.code, scene.run.code]


STAFF_SUBMISSIONS = {
    "q": SEARCH,
    "state": CHOICE,
    "risk_area": CHOICE,
    "method": CHOICE,
    "organisation_type": CHOICE,
    "confidentiality": CHOICE,
    "sort": CHOICE,
    "page": WHOLE,
}
ATTENDEES = {"state": CHOICE, "kind": CHOICE, "page": WHOLE}
DATE = Kind(wrong="2026-02-30", message=lambda value: "Enter a valid date.")
AUDIT_LOG = {
    "workshop": CHOICE,
    "actor": _text(254),
    "action": CHOICE,
    "object_type": _text(40),
    "object_code": _text(64),
    "date_from": DATE,
    "date_to": DATE,
    "before": WHOLE,
    "after": WHOLE,
}

LIST_VIEWS = [
    ListView("portal:organisation_list", _none, "evaluator", {"q": SEARCH, "page": WHOLE}),
    ListView("portal:staff_workshop_list", _none, "staff", {"page": WHOLE}),
    ListView("portal:audit_log", _none, "staff", AUDIT_LOG),
    ListView("portal:audit_log_csv", _none, "staff", AUDIT_LOG, export=True),
    ListView("submissions:list", _none, "evaluator", {"page": WHOLE}),
    ListView("submissions:staff_list", _workshop, "staff", STAFF_SUBMISSIONS),
    ListView("submissions:staff_export", _workshop, "staff", STAFF_SUBMISSIONS, export=True),
    ListView(
        "reviews:staff_application_list",
        _workshop,
        "staff",
        {"q": SEARCH, "state": CHOICE, "risk_area": CHOICE, "min_level": CHOICE, "page": WHOLE},
    ),
    ListView(
        "reviews:staff_progress",
        _workshop,
        "staff",
        {
            "tab": CHOICE,
            "q": SEARCH,
            "risk_area": CHOICE,
            "has_late": FLAG,
            "fewer": FLAG,
            "k": WHOLE,
            "page": WHOLE,
        },
    ),
    ListView(
        "reviews:staff_submission_reviewers",
        lambda scene: [scene.workshop.submissions.order_by("pk").first().code],
        "staff",
        {"q": SEARCH},
    ),
    ListView("assignment:bid_list", _workshop, "reviewer", {"risk_area": CHOICE, "page": WHOLE}),
    ListView("assignment:run", _run, "staff", {"tab": CHOICE, "q": SEARCH, "page": WHOLE}),
    ListView(
        "reviews:aggregate_overview",
        _workshop,
        "staff",
        {"version": CHOICE, "disagreement": FLAG, "page": WHOLE},
    ),
    ListView("reviews:reviewer_ratings", _workshop, "staff", {"sort": CHOICE, "page": WHOLE}),
    ListView("reviews:invite_submitters", _workshop, "staff", {"sort": CHOICE, "page": WHOLE}),
    ListView("reviews:attendee_list", _workshop, "staff", ATTENDEES),
    ListView("reviews:attendee_export", _workshop, "staff", ATTENDEES, export=True),
    ListView("reports:quotes", _workshop, "staff", {"criterion": CHOICE, "page": WHOLE}),
    ListView("reports:remarks", _workshop, "staff", {"q": SEARCH, "page": WHOLE}),
]

# Views that read the query string but list nothing, with the reason they need no row.
NOT_LISTS = {
    "criteria:criterion_create": "?group= only preselects the new criterion's group in its "
    "form; it never reaches a query",
    "criteria:criterion_edit": "the same view as criteria:criterion_create",
}


@pytest.fixture
def scene(staff, reviewer):
    workshop = WorkshopFactory()
    ReviewerApplicationFactory(workshop=workshop, user=reviewer, state="approved")
    instance = Instance(workshop)
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cyber_offence"])
    instance.reviewer("A", expertise={"cbrn": 3})
    instance.reviewer("B", expertise={"cyber_offence": 3})
    return Scene(workshop=workshop, run=done_run(instance, staff))


def _cases():
    for view in LIST_VIEWS:
        for param, kind in view.params.items():
            values = [NUL, LONG] + ([kind.wrong] if kind.wrong is not None else [])
            yield pytest.param(view, param, kind, values, id=f"{view.url_name}-{param}")


@pytest.mark.parametrize(("view", "param", "kind", "values"), list(_cases()))
def test_bad_value_is_refused_with_its_message(client, request, scene, view, param, kind, values):
    client.force_login(request.getfixturevalue(view.persona))
    url = reverse(view.url_name, args=view.args(scene))

    for value in values:
        response = client.get(url, {param: value})

        message = kind.message(value)
        assert response.status_code == 400, (param, value[:20])
        if view.export:
            assert not response.streaming
            assert response["Content-Type"] == "text/plain; charset=utf-8"
            assert response.content.decode().endswith(f": {message}\n")
        else:
            content = response.content.decode()
            assert 'id="filter-errors"' in content
            assert f"{escape(message)}</li>" in content, (param, value[:20])


@pytest.mark.parametrize("view", LIST_VIEWS, ids=[view.url_name for view in LIST_VIEWS])
def test_list_view_without_parameters_answers_200(client, request, scene, view):
    client.force_login(request.getfixturevalue(view.persona))

    response = client.get(reverse(view.url_name, args=view.args(scene)))

    assert response.status_code == 200
    if not view.export:
        assert 'id="filter-errors"' not in response.content.decode()


def test_export_with_good_filters_streams_the_whole_file(client, staff, scene):
    client.force_login(staff)

    response = client.get(
        reverse("submissions:staff_export", args=[scene.workshop.code]),
        {"risk_area": "cbrn", "q": "S"},
    )

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[1] for line in lines] == ["title", "S1"]


# --- the table is complete ----------------------------------------------------------------

_READS_QUERY = re.compile(r"request\.GET\b|\bfilters_from\(")
_APPS = ("portal", "submissions", "reviews", "criteria", "assignment", "reports")


def _url_views(patterns=None, namespace=""):
    """(namespaced URL name, view function) of every named URL."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from _url_views(pattern.url_patterns, inner)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, inspect.unwrap(pattern.callback)


def _functions(path: Path) -> tuple[str, dict[str, ast.FunctionDef]]:
    source = path.read_text()
    tree = ast.parse(source)
    return source, {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _reached(functions: dict, name: str) -> set[str]:
    """`name` and the module's own functions it calls, directly or not."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in functions:
            continue
        seen.add(current)
        todo += [
            node.func.id
            for node in ast.walk(functions[current])
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        ]
    return seen


def _source_files():
    root = Path(settings.BASE_DIR)
    for app in _APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_view_reading_the_query_string_is_in_the_table():
    in_table = {view.url_name for view in LIST_VIEWS} | set(NOT_LISTS)
    reading_urls, reached = set(), set()
    for url_name, func in _url_views():
        module = sys.modules[func.__module__]
        if not func.__module__.startswith(_APPS):
            continue
        path = Path(inspect.getsourcefile(module))
        source, functions = _functions(path)
        names = _reached(functions, func.__name__)
        reached |= {(path, name) for name in names}
        if any(_READS_QUERY.search(ast.get_source_segment(source, functions[n])) for n in names):
            reading_urls.add(url_name)

    readers = set()
    for path in _source_files():
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name != "filters_from"
                and _READS_QUERY.search(ast.get_source_segment(source, node))
            ):
                readers.add((path, node.name))

    assert sorted(reading_urls - in_table) == [], "list views without a row in LIST_VIEWS"
    assert sorted(in_table - reading_urls) == [], "rows for views that read no query string"
    assert sorted(readers - reached) == [], "read request.GET only in a view (or its helper)"
