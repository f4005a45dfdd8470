from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebateConfig(AppConfig):
    name = "debate"
    verbose_name = _("Criteria debate")

    def ready(self):
        from debate.audit_actions import ACTIONS
        from debate.rules import PERMISSIONS
        from portal.audit.actions import register_actions
        from portal.permissions import register

        register_actions(ACTIONS)
        register(PERMISSIONS)
