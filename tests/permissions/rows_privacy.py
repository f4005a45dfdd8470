"""Personal data: a person's data export (theirs alone: anyone else, staff included, gets
404), and the public record of processing."""

from tests.permissions.matrix import REDIRECT, Row, expect, signed_in


def _export(w):
    return {"export_code": w.data_export.code}


def _expired_export(w):
    return {"export_code": w.expired_data_export.code}


ROWS = [
    Row(
        "privacy:data_export_request",
        get=signed_in(405),
        post=signed_in(REDIRECT),
    ),
    Row("privacy:data_export_status", kwargs=_export, get=signed_in(404, evaluator=200)),
    Row("privacy:data_export_download", kwargs=_export, get=signed_in(404, evaluator=200)),
    # Expired: its owner is sent back to the profile with a message; the file is gone soon.
    Row(
        "privacy:data_export_download",
        state="expired",
        kwargs=_expired_export,
        get=signed_in(404, evaluator=REDIRECT),
    ),
    # A legal page, like the privacy notice: open to all, staff without MFA included.
    Row("privacy:record_of_processing", get=expect(200)),
]
