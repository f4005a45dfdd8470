from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from imports.audit_actions import ACTIONS
        from portal.audit.actions import register_actions

        register_actions(ACTIONS)
        from imports.rules import PERMISSIONS
        from portal.permissions import register

        register(PERMISSIONS)
