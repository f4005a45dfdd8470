"""The audit log's actions recorded by the submissions app, with their labels (the staff's
audit log shows the label; the action itself is the stable name)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "submission.created": _("Submission created"),
    "submission.updated": _("Submission updated"),
    "submission.submitted": _("Submission submitted"),
    "submission.withdrawn": _("Submission withdrawn"),
    "submission.restored": _("Submission restored"),
    "submission.screened": _("Submission screened"),
    "submission.deadline_extended": _("Submission deadline extended"),
    "submission_file.uploaded": _("Submission file uploaded"),
    "submission_file.removed": _("Submission file removed"),
    "submission_file.refused": _("Submission file refused"),
    "submissions.exported": _("Submission list downloaded"),
}
