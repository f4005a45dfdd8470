"""The reports' small workshop (tests/reports/conftest.py), for the erasure tests that
build its reports before and after erasing people."""

from tests.reports.conftest import (  # noqa: F401 - fixtures, used by name
    member_of,
    report_reviewers,
    report_set,
    report_submissions,
    report_workshop,
    scored_workshop,
)
