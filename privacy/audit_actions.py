"""The audit log's verbs of personal data (erasure, retention, data exports), with the
labels the staff's log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "erasure.requested": _("Erasure requested"),
    "erasure.withdrawn": _("Erasure request withdrawn"),
    "erasure.approved": _("Erasure approved"),
    "erasure.refused": _("Erasure refused"),
    "account.pseudonymised": _("Account pseudonymised"),
    "account.deleted": _("Account deleted (retention)"),
    "account.warned": _("Inactivity warning sent"),
    "submission.deleted": _("Draft deleted (retention)"),
    "retention.applied": _("Retention run"),
    "data_export.requested": _("Personal data export requested"),
    "data_export.built": _("Personal data export built"),
    "data_export.downloaded": _("Personal data export downloaded"),
}
