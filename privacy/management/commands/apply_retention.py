from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.audit.context import system_actor
from privacy.services.retention import retention_apply


class Command(BaseCommand):
    help = _(
        "Apply the retention periods of personal data now (what the daily task does), for "
        "deployments without Celery beat."
    )

    def handle(self, *args, **options):
        with system_actor("command:apply_retention"):
            counts = retention_apply()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
