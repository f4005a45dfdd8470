from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Criteria")

    def ready(self):
        from criteria.audit_actions import ACTIONS
        from portal.audit.actions import register_actions

        register_actions(ACTIONS)
        # Connected here, not in portal: criteria depends on portal, never the reverse.
        from criteria.receivers import workshop_created
        from criteria.rules import PERMISSIONS
        from portal.models import Workshop
        from portal.permissions import register

        register(PERMISSIONS)

        post_save.connect(
            workshop_created, sender=Workshop, dispatch_uid="criteria_default_set_for_workshop"
        )
