from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "assignment"
    verbose_name = _("Automatic assignment")

    def ready(self):
        # Both import models, which can be imported only once every app is loaded.
        from assignment.rules import PERMISSIONS  # noqa: PLC0415 -- models load after ready
        from portal.permissions import register  # noqa: PLC0415 -- models load after ready

        register(PERMISSIONS)
