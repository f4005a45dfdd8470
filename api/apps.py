from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        from api import schema  # noqa: F401  (registers the OpenAPI extensions)
        from api.rules import PERMISSIONS
        from portal.permissions import register

        register(PERMISSIONS)
