from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.conf.locale import LANG_INFO

        # Django knows every official EU language's name but Maltese's (the language
        # switcher shows each language's own name).
        LANG_INFO.setdefault(
            "mt", {"bidi": False, "code": "mt", "name": "Maltese", "name_local": "Malti"}
        )
        from portal import audit_signals
        from portal.permissions import register
        from portal.rules import PERMISSIONS

        register(PERMISSIONS)
        audit_signals.connect()
