"""The audit log's verbs of automatic assignment and bidding (assignment.services and
assignment.interchange), with the labels the staff's log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "bid.set": _("Bid set"),
    "bid.withdrawn": _("Bid withdrawn"),
    "assignment_run.started": _("Assignment run started"),
    "assignment_run.finished": _("Assignment run finished"),
    "assignment_run.failed": _("Assignment run failed"),
    "assignment_run.imported": _("Matcher assignments imported as a run"),
    "assignment_run.published": _("Assignment run published"),
    "assignment.bulk_applied": _("Assignments changed in bulk"),
    "proposed_pair.added": _("Pair added to a proposal"),
    "proposed_pair.removed": _("Pair removed from a proposal"),
    "assignment_instance.exported": _("Matcher files downloaded"),
    "instance_export.requested": _("Matcher files requested"),
    "instance_export.built": _("Matcher files built"),
}
