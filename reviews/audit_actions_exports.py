"""The audit log's verb of the attendee list downloaded as CSV
(reviews.workshop_invitations.services.attendee_record_export), with the label the staff's
log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "attendees.exported": _("Attendee list downloaded"),
}
