"""python manage.py import_eusurvey <workshop code> <export.csv|xlsx> --target ... [--apply]

The same services as the staff pages: the export is previewed (a dry run) and the counts
and refusals are printed; with --apply, the rows the preview accepted are then written,
all or nothing.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from imports.models import ImportRun
from imports.services import import_run_apply, import_run_create, import_run_preview
from imports.surveys import TARGETS
from portal.audit.context import system_actor
from portal.models import User, Workshop


class Command(BaseCommand):
    help = "Import an EU Survey results export (CSV or XLSX) into a workshop."

    def add_arguments(self, parser):
        parser.add_argument("workshop", help="The workshop's code.")
        parser.add_argument("export", help="The EU Survey export, .csv or .xlsx.")
        parser.add_argument("--target", choices=TARGETS, required=True)
        parser.add_argument("--files", help="ZIP of uploaded files, one folder per contribution.")
        parser.add_argument("--alias", default="", help="The survey's alias (finds its mapping).")
        parser.add_argument(
            "--create-organisations",
            action="store_true",
            help="Create organisations the portal does not know (needs a country column).",
        )
        parser.add_argument("--user", help="Email of the staff member recorded as importer.")
        parser.add_argument("--apply", action="store_true", help="Write the accepted rows.")

    def handle(self, *args, **options):
        # Events without a person (no --user) name the command; all share one request id.
        with system_actor("command:import_eusurvey"):
            self._handle(options)

    def _handle(self, options):
        workshop = Workshop.objects.filter(code=options["workshop"]).first()
        if workshop is None:
            raise CommandError(f"No workshop with the code {options['workshop']}.")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"No user with the email {options['user']}.")
        run_options = {"alias": options["alias"]}
        if options["create_organisations"]:
            run_options["create_organisations"] = True
        export = Path(options["export"])
        archive_path = Path(options["files"]) if options["files"] else None
        try:
            with export.open("rb") as data:
                archive = archive_path.open("rb") if archive_path else None
                try:
                    run = import_run_create(
                        workshop=workshop,
                        source=ImportRun.Source.EUSURVEY,
                        target=options["target"],
                        data_file=File(data, name=export.name),
                        files_archive=File(archive, name=archive_path.name) if archive else None,
                        options=run_options,
                        user=user,
                    )
                finally:
                    if archive is not None:
                        archive.close()
            run = import_run_preview(run=run)
        except (ValidationError, OSError) as error:
            raise CommandError(_messages(error)) from None
        if run.state != ImportRun.State.PREVIEWED:
            raise CommandError(run.error or f"The preview is {run.get_state_display()}.")
        self._report(run)
        if not options["apply"]:
            self.stdout.write(f"Dry run {run.code}: nothing written. Add --apply to import.")
            return
        try:
            run = import_run_apply(run=run, user=user)
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        if run.state != ImportRun.State.APPLIED:
            raise CommandError(run.error or "The import failed; nothing was written.")
        result = run.result
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {run.code}: created {result['created']}, updated "
                f"{result['updated']}, skipped {result['skipped']}, refused {result['refused']}."
            )
        )

    def _report(self, run: ImportRun) -> None:
        preview = run.preview
        self.stdout.write(preview.get("mapping_message", ""))
        for error in preview.get("errors", []):
            self.stdout.write(self.style.WARNING(error))
        counts = preview["counts"]
        self.stdout.write(
            f"create {counts['create']}, update {counts['update']}, skip {counts['skip']}, "
            f"refuse {counts['refuse']}"
        )
        for row in preview["rows"]:
            if row["action"] == "refuse":
                reasons = " ".join(row["reasons"])
                line = row.get("line", "?")
                self.stdout.write(f"  row {line} ({row['source_id'] or '-'}): {reasons}")


def _messages(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
