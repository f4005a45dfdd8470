from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from portal.audit.actions import register_actions
        from reports.audit_actions import ACTIONS

        register_actions(ACTIONS)
        # Not at the top: this module is imported while the app registry is still filling,
        # and both import models (the rules directly, portal.permissions through auth).
        from portal.permissions import register  # noqa: PLC0415 -- see above
        from reports.rules import PERMISSIONS  # noqa: PLC0415 -- see above

        register(PERMISSIONS)
