"""A real Celery worker, in its own process, for tests marked ``worker``.

Import the fixture in tests/conftest.py::

    from tests.worker import celery_worker_process  # noqa: F401

The worker is started once per test session, the first time a test asks for it, and is
pointed at pytest-django's test database (not the development one) and at the same broker
as the test process. Tests that use it must also use ``transactional_db``: the worker has
its own database connection, so it only sees rows that the test has committed.

The worker gets a result backend (Redis db 2 when the broker is Redis, otherwise a folder
under var/) so that a test can wait for a task's return value. The portal itself runs
without one; a test reads results through :func:`result_backend` rather than through the
app, which stays configured as in production.

Do not run another worker on the same broker meanwhile (`make run` uses the same
filesystem broker folders by default): it would take the tests' tasks.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings

READY_TIMEOUT = 90  # seconds; a cold start imports Django, allauth and WeasyPrint
STOP_TIMEOUT = 20


@dataclass(frozen=True)
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path
    broker_url: str
    result_backend_url: str
    database_url: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL that dj_database_url turns back into this connection's settings."""
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError(
                "The Celery worker cannot share an in-memory SQLite test database; "
                "settings must give DATABASES['default']['TEST']['NAME'] a file path."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if engine in ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"):
        scheme = "postgres"
    elif engine == "django.db.backends.mysql":
        scheme = "mysql"
    else:
        raise RuntimeError(f"No DATABASE_URL scheme for database engine {engine!r}.")
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    port = settings_dict.get("PORT")
    netloc = f"{credentials}{host}{f':{port}' if port else ''}"
    return f"{scheme}://{netloc}/{quote(name, safe='')}"


def result_backend_url_for(broker_url: str, var_dir: Path) -> str:
    parts = urlsplit(broker_url)
    if parts.scheme in ("redis", "rediss"):
        # Db 2: the broker and the cache are on 0 and 1 in README.md's example set-up.
        return urlunsplit((parts.scheme, parts.netloc, "/2", parts.query, ""))
    results = var_dir / "test-results"
    results.mkdir(parents=True, exist_ok=True)
    return f"file://{results.resolve()}"


def _ensure_broker_folders() -> None:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def _celery_executable() -> str:
    candidate = Path(sys.executable).with_name("celery")
    if not candidate.exists():
        raise RuntimeError(f"celery is not installed beside {sys.executable}.")
    return str(candidate)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    # SIGTERM is Celery's warm shutdown: it finishes the task in hand, then exits.
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def _wait_until_ready(process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        log = log_path.read_text(errors="replace")
        # Celery logs "celery@<host> ready." once it consumes from the queues.
        if " ready." in log:
            return
        if process.poll() is not None:
            raise RuntimeError(
                f"The Celery worker exited with code {process.returncode} before it was "
                f"ready. Its log ({log_path}):\n{log[-4000:]}"
            )
        time.sleep(0.2)
    raise RuntimeError(
        f"The Celery worker was not ready after {READY_TIMEOUT} s. Its log ({log_path}):\n"
        f"{log_path.read_text(errors='replace')[-4000:]}"
    )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup) -> Iterator[WorkerProcess]:
    """Start ``celery -A portal worker`` against the test database; stop it at the end.

    Depends on ``django_db_setup`` so that the test database exists before the worker
    starts and the worker is stopped (closing its connections) before pytest-django drops
    the database.
    """
    from django.db import connection

    var_dir = Path(settings.VAR_DIR)
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    _ensure_broker_folders()
    broker_url = settings.CELERY_BROKER_URL
    result_backend_url = result_backend_url_for(broker_url, var_dir)
    database_url = database_url_for(connection.settings_dict)

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        # The connection must not outlive a test's flush of the tables it reads.
        DATABASE_CONN_MAX_AGE="0",
        CELERY_BROKER_URL=broker_url,
        CELERY_RESULT_BACKEND=result_backend_url,
        PORTAL_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
    )
    log_path = var_dir / "log" / "test-celery-worker.log"
    # Tasks left in the broker by an earlier run (Redis keeps them between runs) would
    # otherwise run against this run's test database.
    subprocess.run(  # noqa: S603 - a fixed command line
        [_celery_executable(), "-A", "portal", "purge", "-f"],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=True,
        timeout=60,
    )
    command = [
        _celery_executable(),
        "-A",
        "portal",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--hostname",
        f"pytest-{os.getpid()}@%h",
        # Nothing to learn from other workers, and each of these costs start-up time.
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    with log_path.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(process, log_path)
        yield WorkerProcess(
            process=process,
            log_path=log_path,
            broker_url=broker_url,
            result_backend_url=result_backend_url,
            database_url=database_url,
        )
    finally:
        _stop(process)


@contextlib.contextmanager
def result_backend(worker: WorkerProcess) -> Iterator[object]:
    """The worker's result backend, for ``AsyncResult(task_id, backend=...)``; closed after.

    The portal's app keeps its own (disabled) backend, so nothing leaks into other tests.
    """
    from celery.app.backends import by_url

    from portal.celery import app

    backend_cls, url = by_url(worker.result_backend_url, app.loader)
    backend = backend_cls(app=app, url=url)
    try:
        yield backend
    finally:
        consumer = getattr(backend, "result_consumer", None)
        if consumer is not None and getattr(consumer, "_pubsub", None) is not None:
            consumer.stop()
        client = getattr(backend, "client", None)
        pool = getattr(client, "connection_pool", None)
        if pool is not None:
            pool.disconnect()
