"""The permission matrix as data: for every URL name, what each persona gets.

Each app's rows live in `rows_<app>.py` beside this file, as a list `ROWS`. A row names a
URL, how to build its arguments from the world (world.py), and the outcome per persona
for GET and, for views that change state, for POST (sent with a valid CSRF token; the
test also sends it without one and expects 403).

Outcomes:
  200, 400, 403, 404, 405   the status code
  LOGIN                     a redirect to the sign-in page
  MFA                       a redirect to TOTP set-up (staff without a second factor)
  REDIRECT                  a redirect anywhere else
  OK                        200 or REDIRECT: the request was accepted (a form that saved
                            and redirected, or one that re-rendered with its messages)
"""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from tests.permissions.world import PERSONAS

LOGIN = "login"
MFA = "mfa"
REDIRECT = "redirect"
OK = "ok"

Outcome = int | str
Expect = Mapping[str, Outcome]

ROW_MODULES = (
    "rows_portal",
    "rows_accounts",
    "rows_admin",
    "rows_submissions",
    "rows_criteria",
    "rows_reviews",
    "rows_consolidation",
    "rows_assignment",
    "rows_reports",
    "rows_imports",
    "rows_discussion",
    "rows_privacy_erasure",
    "rows_privacy",
    "rows_debate",
    "rows_expertise",
)

STAFF = ("staff", "superuser")
REVIEWERS = (
    "reviewer",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "reviewer_declined",
    "reviewer_uncleared",
)


def expect(default: Outcome, **outcomes: Outcome) -> dict[str, Outcome]:
    """Every persona gets `default` unless named."""
    unknown = set(outcomes) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {sorted(unknown)}")
    return {persona: outcomes.get(persona, default) for persona in PERSONAS}


def each(personas, outcome: Outcome) -> dict[str, Outcome]:
    """`expect(..., **each(STAFF, 200))`: the same outcome for several personas."""
    return dict.fromkeys(personas, outcome)


def signed_in(outcome: Outcome, **outcomes: Outcome) -> dict[str, Outcome]:
    """A page for every signed-in user: anonymous visitors sign in first, staff without
    a second factor set one up first."""
    return expect(outcome, **{"anonymous": LOGIN, "staff_nomfa": MFA, **outcomes})


def staff_only(outcome: Outcome = 200, *, others: Outcome = 403) -> dict[str, Outcome]:
    """A page for AI Office staff (a superuser is staff); others may not."""
    return signed_in(others, **each(STAFF, outcome))


def no_kwargs(world: SimpleNamespace) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    name: str
    get: Expect | None
    post: Expect | None = None
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = no_kwargs
    data: Callable[[SimpleNamespace], dict[str, Any]] = no_kwargs
    # Which object state the row is about, when one URL has several rows.
    state: str = ""
    query: str = ""
    # Uploads and other bodies that are not form fields.
    files: Callable[[SimpleNamespace], dict[str, Any]] = field(default=no_kwargs)
    # The path itself, for a pattern without a name to reverse (the admin's catch-all).
    path: Callable[[SimpleNamespace], str] | None = None

    @property
    def id(self) -> str:
        return f"{self.name}[{self.state}]" if self.state else self.name


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for module in ROW_MODULES:
        try:
            loaded = importlib.import_module(f"tests.permissions.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"tests.permissions.{module}":
                raise
            continue
        rows.extend(loaded.ROWS)
    return rows


def matches(expected: Outcome, actual: Outcome) -> bool:
    if expected == OK:
        return actual in (200, REDIRECT)
    return expected == actual
