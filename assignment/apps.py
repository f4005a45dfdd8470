from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentConfig(AppConfig):
    name = "assignment"
    verbose_name = _("Automatic assignment")

    def ready(self):
        from assignment.audit_actions import ACTIONS
        from portal.audit.actions import register_actions

        register_actions(ACTIONS)
        # Both import models, which can be imported only once every app is loaded.
        from assignment.rules import PERMISSIONS  # noqa: PLC0415 -- models load after ready
        from portal.permissions import register  # noqa: PLC0415 -- models load after ready

        register(PERMISSIONS)

        from django.db.models.signals import post_save  # noqa: PLC0415 -- with the models

        from assignment import signals  # noqa: PLC0415 -- models load after ready
        from expertise.models import Publication  # noqa: PLC0415 -- as above
        from submissions.models import Submission  # noqa: PLC0415 -- as above

        post_save.connect(
            signals.submission_saved, sender=Submission, dispatch_uid="assignment_embed_sub"
        )
        post_save.connect(
            signals.publication_saved, sender=Publication, dispatch_uid="assignment_embed_pub"
        )
