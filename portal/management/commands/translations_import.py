"""Load a translated XLIFF 2 file into a language's catalogue (see portal/xliff.py).

    manage.py translations_import --lang fr fr.xlf [--dry-run]

Every unit is validated first; if any is invalid, each problem is printed with its line
and nothing is written. Otherwise the catalogue is written and compiled.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.xliff import ExchangeError, exchange_languages, import_xliff


class Command(BaseCommand):
    help = "Validate a translated XLIFF 2 file and load it into the language's catalogue."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--lang", required=True, choices=exchange_languages())
        parser.add_argument("--domain", default="django", choices=["django", "djangojs"])
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args, file, lang, domain, dry_run, **options):
        try:
            result = import_xliff(lang, file.read_bytes(), domain=domain, dry_run=dry_run)
        except (ExchangeError, OSError) as error:
            raise CommandError(str(error)) from error
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            count = len(result.problems)
            raise CommandError(
                f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was written."
            )
        action = "would change" if dry_run else "changed"
        self.stdout.write(f"{result.units} units read; {result.changed} translations {action}.")
        if result.written:
            created = "created and compiled" if result.created else "written and compiled"
            self.stdout.write(f"The {lang!r} catalogue was {created}.")
