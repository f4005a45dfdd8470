"""Imports: AI Office staff's only; a run is 404 for everyone else (its selector)."""

from tests.permissions.matrix import REDIRECT, Row, staff_only


def _eusurvey_run(w):
    return {"run_code": w.eusurvey_run.code}


ROWS = [
    Row(
        "imports:survey_mapping",
        kwargs=_eusurvey_run,
        get=staff_only(others=404),
        post=staff_only(REDIRECT, others=404),
        data=lambda w: {"alias": "", "column_0": "title"},
    ),
]
