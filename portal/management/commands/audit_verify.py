from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.services.audit import audit_verify


class Command(BaseCommand):
    help = _(
        "Recompute the audit log's hash chain and report the first event that was altered, "
        "removed or inserted behind the portal's back."
    )

    def handle(self, *args, **options):
        report = audit_verify()
        if not report.intact:
            raise CommandError(
                _(
                    "Audit chain broken at event %(id)s: %(problem)s "
                    "(%(checked)s events before it are intact)."
                )
                % {"id": report.broken_at, "problem": report.problem, "checked": report.checked}
            )
        self.stdout.write(
            _("Audit chain intact: %(checked)s events verified.") % {"checked": report.checked}
        )
