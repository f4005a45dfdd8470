"""The audit log's actions recorded by the reviews app, with their labels (the staff's
audit log shows the label; the action itself is the stable name).

Assignments made, removed and extended by staff are recorded by reviews.services.assignments
(not listed here). Draft saves of a review, and its autosave, are not recorded: only a
submit changes what counts, and a save every few seconds would flood the log.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "reviewer_application.submitted": _("Reviewer application submitted"),
    "reviewer_application.updated": _("Reviewer application updated"),
    "reviewer_application.withdrawn": _("Reviewer application withdrawn"),
    "reviewer_application.approved": _("Reviewer application approved"),
    "reviewer_application.declined": _("Reviewer application declined"),
    "conflict.recorded": _("Conflict of interest recorded"),
    "conflict.dismissed": _("Conflict of interest dismissed"),
    "conflict.revoked": _("Conflict decision revoked"),
    "tie.declared": _("Tie declared"),
    "tie.ended": _("Tie ended"),
    "reviewer.rated": _("Reviewer rated"),
    "assignment.accepted": _("Assignment accepted by the reviewer"),
    "assignment.declined": _("Assignment declined by the reviewer"),
    "review.submitted": _("Review submitted"),
    "review.reopened": _("Review reopened"),
    "reviews.imported": _("Reviews imported"),
    "consolidation.lead_named": _("Lead of the consolidated assessment named"),
    "consolidation.circulated": _("Consolidated assessment circulated"),
    "consolidation.answered": _("Consolidated assessment answered by a reviewer"),
    "consolidation.finalised": _("Consolidated assessment finalised"),
    "workshop_invitation.sent": _("Workshop invitation sent"),
    "workshop_invitation.answered": _("Workshop invitation answered"),
    "assignment.added": _("Reviewer assigned"),
    "assignment.removed": _("Assignment removed"),
    "assignment.extended": _("Review deadline extended"),
    "attendees.exported": _("Attendee list downloaded"),
}
