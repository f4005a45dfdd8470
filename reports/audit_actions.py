"""The audit log's verbs of the reports (reports.services, reports.jobs), with the labels
the staff's log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "report.requested": _("Report requested"),
    "report.built": _("Report built"),
    "report.failed": _("Report failed"),
    "report.retried": _("Report retried"),
    "report.released": _("Feedback report released"),
    "report.withdrawn": _("Feedback report withdrawn"),
    "report.deleted": _("Report deleted"),
    "report.downloaded": _("Report downloaded"),
    "reports.retention_applied": _("Old reports deleted (retention)"),
    "data_table.exported": _("Data table downloaded"),
    "workshop_summary.edited": _("Workshop summary edited"),
    "criterion_note.edited": _("Criterion note edited"),
    "summary_texts.edited": _("Summary texts edited"),
    "feedback_remark.edited": _("Feedback remarks edited"),
    "quote.selected": _("Quote selected"),
    "quote.removed": _("Quote removed"),
    "quote.edited": _("Quote edited"),
    "quote.reverted": _("Quote reverted to the original"),
}
