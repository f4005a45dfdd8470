"""Reports: the staff's pages under a workshop (jobs, summary texts, quotes, remarks), the
download of a report's file, and each member's list of released feedback.

Staff pages answer 403 to everyone else who may see the workshop, 404 under a draft one.
Who sees a report job: staff, and the members of its organisation once staff released a
finished feedback report to it; everyone else gets 404 for its pages and its file. The
members who see a job may download it, never manage it (403). A chosen quote is staff's
alone (404 to others); an organisation's remarks page answers its members 403."""

from tests.permissions.matrix import (
    REDIRECT,
    STAFF,
    Row,
    each,
    signed_in,
    staff_only,
)

MEMBERS = ("evaluator", "org_admin")


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _job(name):
    def kwargs(w):
        return {"workshop_code": w.workshop.code, "job_code": getattr(w, name).code}

    return kwargs


def _file(name):
    return lambda w: {"job_code": getattr(w, name).code}


def _hidden(staff_get):
    """A job (or quote) only staff see: 404 to everyone else."""
    return signed_in(404, **each(STAFF, staff_get))


def _released(staff_get, members_get=403):
    """The feedback report released to w.organisation: its members see it."""
    return signed_in(404, **each(MEMBERS, members_get), **each(STAFF, staff_get))


ROWS = [
    # --- jobs ---------------------------------------------------------------------------
    Row("reports:index", kwargs=_workshop, get=staff_only()),
    Row(
        "reports:index",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=staff_only(others=404),
    ),
    Row(
        "reports:generate",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=lambda w: {"kind": "public_summary", "language": "en"},
    ),
    Row(
        "reports:generate",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=None,
        post=staff_only(REDIRECT, others=404),
        data=lambda w: {"kind": "public_summary", "language": "en"},
    ),
    Row(
        "reports:release_all",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
    ),
    # The progress bar's JSON.
    Row("reports:status", state="public summary", kwargs=_job("summary_job"), get=_hidden(200)),
    Row(
        "reports:status",
        state="released feedback",
        kwargs=_job("feedback_job"),
        get=_released(200),
    ),
    Row(
        "reports:status",
        state="unreleased feedback",
        kwargs=_job("unreleased_feedback_job"),
        get=_hidden(200),
    ),
    Row(
        "reports:status",
        state="no such job",
        kwargs=lambda w: {"workshop_code": w.workshop.code, "job_code": "nosuchjob"},
        get=signed_in(404),
    ),
    # A job of another workshop is not found under this one, even by staff.
    Row(
        "reports:status",
        state="job of another workshop",
        kwargs=lambda w: {"workshop_code": w.reports_workshop.code, "job_code": w.summary_job.code},
        get=_hidden(404),
    ),
    Row(
        "reports:retry",
        state="failed",
        kwargs=_job("failed_job"),
        get=_hidden(405),
        post=_hidden(REDIRECT),
    ),
    # Refused with a message: only a failed report is retried.
    Row(
        "reports:retry",
        state="released feedback",
        kwargs=_job("feedback_job"),
        get=None,
        post=_released(REDIRECT),
    ),
    Row(
        "reports:release",
        state="unreleased feedback",
        kwargs=_job("unreleased_feedback_job"),
        get=_hidden(405),
        post=_hidden(REDIRECT),
    ),
    Row(
        "reports:release",
        state="withdrawing released feedback",
        kwargs=_job("feedback_job"),
        get=None,
        post=_released(REDIRECT),
        data=lambda w: {"release": "0"},
    ),
    # Refused with a message: a public summary is not released to anyone.
    Row(
        "reports:release",
        state="public summary",
        kwargs=_job("summary_job"),
        get=None,
        post=_hidden(REDIRECT),
    ),
    Row(
        "reports:delete",
        state="failed",
        kwargs=_job("failed_job"),
        get=_hidden(200),
        post=_hidden(REDIRECT),
    ),
    # Refused with a message: withdraw it first.
    Row(
        "reports:delete",
        state="released feedback",
        kwargs=_job("feedback_job"),
        get=_released(200),
        post=_released(REDIRECT),
    ),
    # --- files --------------------------------------------------------------------------
    Row("reports:download", state="public summary", kwargs=_file("summary_job"), get=_hidden(200)),
    Row(
        "reports:download",
        state="released feedback",
        kwargs=_file("feedback_job"),
        get=_released(200, members_get=200),
    ),
    Row(
        "reports:download",
        state="unreleased feedback",
        kwargs=_file("unreleased_feedback_job"),
        get=_hidden(200),
    ),
    # Nothing to download yet, for staff either.
    Row("reports:download", state="queued", kwargs=_file("queued_job"), get=signed_in(404)),
    Row("reports:download", state="failed", kwargs=_file("failed_job"), get=signed_in(404)),
    # Each member's released feedback reports (staff are members of nothing: an empty list).
    Row("reports:feedback_list", get=signed_in(200)),
    # --- staff's texts ------------------------------------------------------------------
    Row(
        "reports:summary_edit",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        # No submitted review in the main workshop: no criterion notes to send.
        data=lambda w: {"version": "", "executive_summary_md": "Summary.", "insights_md": ""},
    ),
    Row(
        "reports:summary_edit",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=staff_only(others=404),
    ),
    Row("reports:remarks", kwargs=_workshop, get=staff_only()),
    Row(
        "reports:remarks",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=staff_only(others=404),
    ),
    Row(
        "reports:remark_edit",
        state="organisation with a reviewed evaluation",
        kwargs=lambda w: {
            "workshop_code": w.reports_workshop.code,
            "organisation_code": w.organisation.code,
        },
        get=_released(200),
        post=_released(REDIRECT),
        data=lambda w: {"remarks_md": "Thank you.", "revision": "0"},
    ),
    # Remarks are printed in a feedback report: none for an organisation without a review.
    Row(
        "reports:remark_edit",
        state="organisation without a reviewed evaluation",
        kwargs=lambda w: {
            "workshop_code": w.workshop.code,
            "organisation_code": w.organisation.code,
        },
        get=signed_in(404),
    ),
    # --- quotes -------------------------------------------------------------------------
    Row("reports:quotes", kwargs=_workshop, get=staff_only()),
    Row(
        "reports:quote_toggle",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=lambda w: {"score": w.score.pk, "action": "remove"},
    ),
    Row(
        "reports:quote_edit",
        kwargs=lambda w: {"workshop_code": w.workshop.code, "selection_code": w.quote.code},
        get=_hidden(200),
        post=_hidden(REDIRECT),
        data=lambda w: {"text": "A shorter quote.", "revision": str(w.quote.revision)},
    ),
]
