import rules
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports.rules import PERMISSIONS

        for name, predicate in PERMISSIONS.items():
            # set_perm, not add_perm: ready() may run twice (tests, autoreload).
            rules.set_perm(name, predicate)
