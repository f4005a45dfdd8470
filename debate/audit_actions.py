"""The audit log's actions recorded by the debate app, with their labels."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "proposal.created": _("Criteria proposal made"),
    "proposal.withdrawn": _("Criteria proposal withdrawn"),
    "proposal.grouped": _("Criteria proposal grouped as a duplicate"),
    "proposal.ungrouped": _("Criteria proposal no longer grouped as a duplicate"),
    "proposal.commented": _("Comment on a criteria proposal"),
    "proposal.comment_edited": _("Comment on a criteria proposal edited"),
    "proposal.comment_removed": _("Comment on a criteria proposal removed"),
    "proposal.stance_set": _("Support or objection to a criteria proposal"),
    "proposal.applied": _("Criteria proposals applied to a new criteria version"),
    "proposal.outcome_recorded": _("Outcome of a criteria proposal recorded"),
    "proposal.notes_edited": _("Discussion notes of a criteria proposal edited"),
    "agenda_session.created": _("Workshop agenda session added"),
    "agenda_session.updated": _("Workshop agenda session changed"),
    "agenda_session.deleted": _("Workshop agenda session removed"),
}
