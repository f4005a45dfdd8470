"""The audit log's verb of the staff's submission list downloaded as CSV
(submissions.services.submission_record_export), with the label the staff's log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "submissions.exported": _("Submission list downloaded"),
}
