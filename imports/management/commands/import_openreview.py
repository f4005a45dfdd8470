"""python manage.py import_openreview <workshop_code> <notes.json> [--files DIR_OR_ZIP]
[--organisation CODE] [--user EMAIL] [--apply]

Previews an OpenReview export (the counts, then every refused or skipped row with its
reasons) and applies it only with --apply: the services the staff page uses. A folder of
PDFs is packed into a ZIP first, so it takes the archive's checks. The submissions'
contact person is --user (a staff member), by default the oldest superuser.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from imports import services
from imports.archives import folder_to_zip
from imports.models import ImportRun
from portal.audit.context import system_actor
from portal.models import User, Workshop


class Command(BaseCommand):
    help = "Preview an OpenReview export, and import it with --apply."

    def add_arguments(self, parser):
        parser.add_argument("workshop_code")
        parser.add_argument("notes", help="The JSON list of notes.")
        parser.add_argument("--files", help="A folder or ZIP archive of the PDFs.")
        parser.add_argument("--organisation", help="The code of every submission's organisation.")
        parser.add_argument("--user", help="The staff member's e-mail address.")
        parser.add_argument("--without-pdf", action="store_true", help="Accept missing PDFs.")
        parser.add_argument("--apply", action="store_true", help="Import what the preview accepts.")

    def handle(self, *args, **options):
        # Events without a person (no --user) name the command; all share one request id.
        with system_actor("command:import_openreview"):
            self._handle(options)

    def _handle(self, options):
        workshop = Workshop.objects.filter(code=options["workshop_code"]).first()
        if workshop is None:
            raise CommandError(f"No workshop with the code {options['workshop_code']}.")
        user = self._user(options["user"])
        run_options = {"without_pdf": options["without_pdf"]}
        if options["organisation"]:
            run_options["organisation"] = options["organisation"]
        packed = None
        files = options["files"]
        try:
            if files and Path(files).is_dir():
                packed = folder_to_zip(files)
                files = str(packed)
            run = self._create(workshop, options["notes"], files, run_options, user)
            run = services.import_run_preview(run=run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        finally:
            if packed is not None:
                packed.unlink(missing_ok=True)
        self._print(run)
        if run.state != ImportRun.State.PREVIEWED:
            raise CommandError(run.error or "The preview failed.")
        if not options["apply"]:
            self.stdout.write("Dry run: nothing written. Add --apply to import.")
            return
        try:
            run = services.import_run_apply(run=run, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if run.state != ImportRun.State.APPLIED:
            raise CommandError(run.error or "The import failed; nothing was written.")
        result = run.result
        self.stdout.write(
            f"Imported: {result['created']} created, {result['updated']} updated, "
            f"{result['skipped']} skipped, {result['refused']} refused."
        )

    def _user(self, email):
        users = User.objects.filter(is_active=True)
        user = (
            users.filter(email__iexact=email).first()
            if email
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None or not (user.is_ai_office_staff or user.is_superuser):
            raise CommandError("Name a staff member with --user (their e-mail address).")
        return user

    def _create(self, workshop, notes, files, run_options, user):
        with open(notes, "rb") as data:
            archive = open(files, "rb") if files else None  # noqa: SIM115 -- closed below
            try:
                return services.import_run_create(
                    workshop=workshop,
                    source="openreview",
                    data_file=File(data, name=Path(notes).name),
                    files_archive=File(archive, name=Path(files).name) if archive else None,
                    options=run_options,
                    user=user,
                )
            finally:
                if archive is not None:
                    archive.close()

    def _print(self, run):
        counts = run.counts
        self.stdout.write(
            f"Preview of {run.data_file_name}: {counts.get('create', 0)} to create, "
            f"{counts.get('update', 0)} to update, {counts.get('skip', 0)} skipped, "
            f"{counts.get('refuse', 0)} refused."
        )
        for row in (run.preview or {}).get("rows", []):
            if row["action"] in ("refuse", "skip"):
                reasons = "; ".join(row["reasons"])
                self.stdout.write(
                    f"  {row['action']:<6} {row['source_id']:<14} {row['label'][:60]}: {reasons}"
                )
