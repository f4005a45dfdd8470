"""The embedded SQLite default with a web process and a worker writing at once.

Several processes (as `make run`'s web process and Celery worker are) each append audit
events and save rows in transactions that read before they write, all at the same time,
against the test database file. With SQLite's default deferred transactions some of them
fail at once with "database is locked"; with WAL, IMMEDIATE transactions and a busy
timeout (portal.settings) every write waits its turn and the audit chain stays intact.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.models import AuditEvent, OutgoingEmail
from portal.services.audit import audit_verify
from tests.worker import database_url_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="about the embedded SQLite default",
    ),
]

WRITERS = 4
ROUNDS = 25

# Each writer waits for the start signal (a file), so that all write at the same time
# rather than one after the other as each finishes starting Django.
WRITER = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from django.db import transaction
from portal.audit.context import system_actor
from portal.models import AuditEvent, OutgoingEmail
from portal.services.audit import audit_record

name, rounds, start = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
deadline = time.monotonic() + 60
while not start.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
with system_actor(name):
    for number in range(rounds):
        with transaction.atomic():
            # A read, then a pause, then the writes: the shape that deadlocks deferred
            # transactions (audit_record itself reads the last hash before inserting).
            AuditEvent.objects.count()
            time.sleep(0.002)
            OutgoingEmail.objects.create(to=[f"{name}@example.org"], subject=str(number), body="")
            audit_record(
                action="audit.exported",
                object_type_name="auditlog",
                code="",
                details={"writer": name, "round": number},
            )
print("done", name)
"""


def test_concurrent_writers_from_several_processes_all_succeed_and_the_chain_holds(tmp_path):
    assert connection.vendor == "sqlite"
    start = tmp_path / "start"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for(connection.settings_dict),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    root = Path(settings.BASE_DIR)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"writer{n}", str(ROUNDS), str(start)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    # Give every writer time to import Django before they start together.
    time.sleep(3)
    start.touch()
    results = [writer.communicate(timeout=180) for writer in writers]

    failures = [
        (writer.returncode, err[-2000:])
        for writer, (_out, err) in zip(writers, results, strict=True)
        if writer.returncode != 0
    ]
    assert failures == []
    assert OutgoingEmail.objects.count() == WRITERS * ROUNDS
    assert AuditEvent.objects.filter(action="audit.exported").count() == WRITERS * ROUNDS
    report = audit_verify()
    assert report.intact, report.problem
    assert report.checked == AuditEvent.objects.count()


def test_the_sqlite_connection_uses_wal_and_immediate_transactions():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000
    assert connection.transaction_mode == "IMMEDIATE"
