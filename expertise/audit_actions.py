"""The audit log's actions recorded by the expertise app, with their labels."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "publication.created": _("Publication added"),
    "publication.updated": _("Publication changed"),
    "publication.deleted": _("Publication deleted"),
    "publications.imported": _("Publications imported from a file"),
}
