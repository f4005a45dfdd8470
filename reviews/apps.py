from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from portal.audit.actions import register_actions
        from reviews.audit_actions import ACTIONS

        register_actions(ACTIONS)
        from portal.permissions import register
        from reviews.rules import PERMISSIONS

        register(PERMISSIONS)
