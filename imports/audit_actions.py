"""The audit log's verbs of imports (imports.services, imports.jobs), with the labels the
staff's log shows."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "import.created": _("Import uploaded"),
    "import.applied": _("Import applied"),
    "import.discarded": _("Import discarded"),
    "import.restarted": _("Import started again after its job was lost"),
    "survey_mapping.saved": _("Survey column mapping saved"),
}
