"""Write a language's catalogue as an XLIFF 2 file for translators (see portal/xliff.py).

manage.py translations_export --lang fr --output fr.xlf
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.xliff import ExchangeError, exchange_languages, export_xliff


class Command(BaseCommand):
    help = "Write a language's catalogue as an XLIFF 2.0 file for translators."

    def add_arguments(self, parser):
        parser.add_argument("--lang", required=True, choices=exchange_languages())
        parser.add_argument("--output", type=Path, help="the file to write (default: stdout)")
        parser.add_argument("--domain", default="django", choices=["django", "djangojs"])

    def handle(self, *args, lang, output, domain, **options):
        try:
            document, units, todo = export_xliff(lang, domain)
        except ExchangeError as error:
            raise CommandError(str(error)) from error
        if output is None:
            sys.stdout.buffer.write(document)
            sys.stdout.flush()
        else:
            output.write_bytes(document)
        self.stderr.write(f"{units} units, {todo} of them to translate, for {lang!r}.")
