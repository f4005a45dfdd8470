from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Submissions")

    def ready(self):
        from portal.audit.actions import register_actions
        from submissions.audit_actions import ACTIONS

        register_actions(ACTIONS)
        from portal.audit.selectors import register_history_owner
        from portal.permissions import register
        from submissions.rules import PERMISSIONS
        from submissions.selectors import submission_organisation_id

        register(PERMISSIONS)
        # Members of the submitting organisation see their submission's history.
        register_history_owner("submission", submission_organisation_id)
