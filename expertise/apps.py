from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = _("Reviewers' expertise")

    def ready(self):
        from expertise.audit_actions import ACTIONS
        from expertise.rules import PERMISSIONS
        from portal.audit.actions import register_actions
        from portal.permissions import register

        register_actions(ACTIONS)
        register(PERMISSIONS)
