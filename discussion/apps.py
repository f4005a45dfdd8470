from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = _("Discussion")

    def ready(self):
        from discussion.audit_actions import ACTIONS
        from discussion.rules import PERMISSIONS
        from portal.audit.actions import register_actions
        from portal.permissions import register

        register_actions(ACTIONS)
        register(PERMISSIONS)
