from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebateConfig(AppConfig):
    name = "debate"
    verbose_name = _("Criteria debate")
