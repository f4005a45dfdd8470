"""The API's permission matrix as data: for every API route and method, what each persona
gets, signed in through the browser's session or with a personal token.

Each app's API rows live in `api_rows_<area>.py` beside this file, as a list `ROWS`. A row's
`expect` is the status each persona gets with a session or with a token that has every
scope: a token never does more, or less, than its owner in the browser. The test
(test_api_matrix.py) also sends, for every persona:
  - a token with every scope but the row's `scope`: 403 for everyone signed in;
  - for a write, the session without its CSRF token: 403 for everyone signed in;
  - no credentials at all: 401 (unless the route is public).
"""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from tests.permissions.world import PERSONAS

ROW_MODULES = (
    "api_rows_core",
    "api_rows_submissions",
    "api_rows_criteria",
    "api_rows_reviews",
    "api_rows_assignment",
    "api_rows_reports",
    "api_rows_imports",
)

Expect = Mapping[str, int]

STAFF = ("staff", "superuser")
REVIEWERS = (
    "reviewer",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "reviewer_declined",
    "reviewer_uncleared",
)
MEMBERS = ("evaluator", "org_admin")


def api_expect(default: int, **outcomes: int) -> dict[str, int]:
    """Every persona gets `default` unless named; anonymous callers 401 and staff without
    a second factor 403 unless named."""
    unknown = set(outcomes) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    base = {"anonymous": 401, "staff_nomfa": 403}
    return {p: outcomes.get(p, base.get(p, default)) for p in PERSONAS}


def each(personas, outcome: int) -> dict[str, int]:
    return dict.fromkeys(personas, outcome)


def staff_only(outcome: int = 200, *, others: int = 403) -> dict[str, int]:
    return api_expect(others, **each(STAFF, outcome))


def no_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ApiRow:
    name: str
    expect: Expect
    # The token scope the route needs; None for routes any token may use.
    scope: str | None
    method: str = "GET"
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = no_kwargs
    # A JSON body (dict or list), or with `content_type` a raw body (str or bytes).
    body: Callable[[SimpleNamespace], Any] | None = None
    content_type: str = "application/json"
    # Multipart uploads: {"field": SimpleUploadedFile(...)} plus form fields.
    files: Callable[[SimpleNamespace], dict[str, Any]] | None = None
    headers: Callable[[SimpleNamespace], dict[str, str]] | None = None
    query: str = ""
    # Which object state the row is about, when one route has several rows.
    state: str = ""
    # A public route: anonymous callers are not refused.
    public: bool = False

    @property
    def id(self) -> str:
        base = f"{self.method} {self.name}"
        return f"{base}[{self.state}]" if self.state else base


def all_rows() -> list[ApiRow]:
    rows: list[ApiRow] = []
    for module in ROW_MODULES:
        try:
            loaded = importlib.import_module(f"tests.permissions.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"tests.permissions.{module}":
                raise
            continue
        rows.extend(loaded.ROWS)
    return rows
