"""The audit log's verbs of assigning reviewers (reviews.services.assignments), with the
labels the staff's log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "assignment.added": _("Reviewer assigned"),
    "assignment.removed": _("Assignment removed"),
    "assignment.extended": _("Review deadline extended"),
}
