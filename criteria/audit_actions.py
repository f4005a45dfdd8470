"""The audit log's actions recorded by the criteria app, with their labels (the staff's
audit log shows the label; the action itself is the stable name)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "criteria_set.created": _("Criteria set created"),
    "criteria_set.updated": _("Criteria set updated"),
    "criteria_set.version_published": _("Criteria set version published"),
    "criteria_set.frozen": _("Criteria set version frozen"),
    "criteria_set.imported": _("Criteria set imported"),
    "criteria_set.exported": _("Criteria set exported"),
    "criteria_set.translated": _("Criteria set translated"),
    "criterion_group.saved": _("Criterion group saved"),
    "criterion_group.deleted": _("Criterion group deleted"),
    "criterion_group.moved": _("Criterion group moved"),
    "criterion.saved": _("Criterion saved"),
    "criterion.deleted": _("Criterion deleted"),
    "criterion.moved": _("Criterion moved"),
}
