from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data-subject rights under Regulation (EU) 2018/1725 and retention: a person's data
    export, erasure by pseudonymisation, and the daily retention run. Above every other
    app, because it reads and erases what each of them holds about a person."""

    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from portal.audit.actions import register_actions
        from privacy.audit_actions import ACTIONS

        register_actions(ACTIONS)
        from portal.permissions import register
        from privacy import checks  # noqa: F401 -- registers the deploy checks
        from privacy.rules import PERMISSIONS

        register(PERMISSIONS)
