"""The audit log's actions recorded by the discussion app, with their labels."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "comment.posted": _("Discussion comment posted"),
    "comment.edited": _("Discussion comment edited"),
    "comment.removed": _("Discussion comment removed"),
    "thread.unsubscribed": _("Unsubscribed from a discussion"),
    "thread.resubscribed": _("Subscribed to a discussion again"),
}
