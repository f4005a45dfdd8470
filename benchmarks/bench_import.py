"""OpenReview import benchmark: 5,000 submission notes, previewed then applied.

    .venv/bin/python benchmarks/bench_import.py [--pdfs N]

Prints one result line on stdout:

    bench: import openreview notes=5000 seconds=<n> peak_mb=<n>

`seconds` is the wall time of the preview and the apply together (the services the staff
page and the API call, run in this process as the job would run them), `peak_mb` the
process's peak resident memory. The notes carry no PDF (the run's option `without_pdf`):
each PDF is checked in a child process twice (preview, apply), which dominates any run
with files and says nothing about the importer itself; with --pdfs N a comment line gives
the same for N notes with a one-page PDF each, per note.

Targets (issue 11): under 60 s and under 500 MB. Going over is reported on stderr.

It runs on PostgreSQL, as the portal does in production: a database made afresh for each
run, BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_import); with
--sqlite, on a SQLite file instead. Files, cache and broker live in a throwaway folder
(PORTAL_VAR_DIR), deleted at the end; the settings that could point elsewhere are reset.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOTES = 5000
SECONDS_TARGET, MB_TARGET = 60, 500


def _environment(folder: Path, *, sqlite: bool) -> None:
    os.environ["PORTAL_VAR_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    if not sqlite:
        os.environ.setdefault(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_import"
        )
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import bench_pages  # sets DATABASE_URL from BENCH_DATABASE_URL

        bench_pages.ensure_database(reseed=True)
    os.environ["DJANGO_MEDIA_ROOT"] = str(folder / "media")
    os.environ["CACHE_URL"] = "locmem"
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _notes(count: int, *, pdf: bool) -> list[dict]:
    notes = []
    for number in range(1, count + 1):
        note_id = f"bench{number:07d}"
        content = {
            "title": {"value": f"Evaluation of frontier model capability number {number}"},
            "authors": {
                "value": [
                    {
                        "fullname": f"Author {number}-{i}",
                        "username": f"~Author_{number}_{i}1",
                        "institutions": [{"name": f"Lab {number % 97}", "country": "BE"}],
                    }
                    for i in range(4)
                ]
            },
            "keywords": {"value": ["cyber", "uplift", "red teaming"]},
            "abstract": {"value": "We evaluate systemic risks. " * 40},
        }
        if pdf:
            content["pdf"] = {"value": f"/pdf/{note_id}.pdf"}
        notes.append(
            {
                "id": note_id,
                "number": number,
                "forum": note_id,
                "replyto": None,
                "invitations": ["Bench/2026/Workshop/-/Submission"],
                "cdate": 1767225600000 + number,
                "mdate": 1767312000000,
                "signatures": [f"Bench/2026/Workshop/Submission{number}/Authors"],
                "content": content,
            }
        )
    return notes


def _run(workshop, organisation, staff, notes, archive: bytes | None, without_pdf: bool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services

    run = services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=SimpleUploadedFile("notes.json", json.dumps(notes).encode()),
        files_archive=SimpleUploadedFile("files.zip", archive) if archive else None,
        options={"organisation": organisation.code, "without_pdf": without_pdf},
        user=staff,
    )
    started = time.perf_counter()
    run = services.import_run_preview(run=run)
    assert run.state == "previewed", run.error
    run = services.import_run_apply(run=run, user=staff)
    assert run.state == "applied", run.error
    seconds = time.perf_counter() - started
    assert run.result["created"] == len(notes), run.result
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=0)
    parser.add_argument("--sqlite", action="store_true")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        _environment(folder, sqlite=arguments.sqlite)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        # Everything in this process, as a job would run it.
        settings.IMPORT_SYNC_MAX_BYTES = 1 << 40
        call_command("migrate", verbosity=0)
        from portal.models import Organisation, User, Workshop
        from tests.factories import WorkshopFactory
        from tests.factories.submissions import make_pdf

        staff = User.objects.create_user(email="bench@example.org", password=None)
        organisation = Organisation.objects.create(name="Bench Lab", type="other", country="BE")
        workshop: Workshop = WorkshopFactory(title="Bench imports")
        notes = _notes(NOTES, pdf=False)
        seconds = _run(workshop, organisation, staff, notes, None, True)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if arguments.pdfs:
            pdf = make_pdf()
            with_pdf = _notes(arguments.pdfs, pdf=True)
            for note in with_pdf:
                note["id"] = note["forum"] = "p" + note["id"]
                note["content"]["pdf"]["value"] = f"/pdf/{note['id']}.pdf"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for note in with_pdf:
                    archive.writestr(f"pdf/{note['id']}.pdf", pdf)
            other = WorkshopFactory(title="Bench imports with PDFs")
            pdf_seconds = _run(other, organisation, staff, with_pdf, buffer.getvalue(), False)
            print(
                f"# with PDFs: notes={arguments.pdfs} seconds={pdf_seconds:.1f} "
                f"per_note={pdf_seconds / arguments.pdfs:.3f}"
            )
        database = connection.vendor
        print(
            f"bench: import openreview notes={NOTES} seconds={seconds:.1f} "
            f"peak_mb={peak_mb:.0f}  # {database}"
        )
        if seconds > SECONDS_TARGET or peak_mb > MB_TARGET:
            print(
                f"over target: {seconds:.1f} s (target {SECONDS_TARGET}), "
                f"{peak_mb:.0f} MB (target {MB_TARGET})",
                file=sys.stderr,
            )
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
