"""`make run` as a newcomer meets it: the address it derives, how it stops, the system
libraries it checks for, and what its log shows."""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BASE_DIR / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_system = _load("check_system")


# --- the portal's address ------------------------------------------------------------------


def _make_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_SITE_URL", "MAKEFLAGS")}
    env.update(overrides)
    return env


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], {}, "http://127.0.0.1:8000"),
        (["PORT=8100"], {}, "http://127.0.0.1:8100"),
        (["HOST=localhost", "PORT=9000"], {}, "http://localhost:9000"),
        (
            ["PORT=8100"],
            {"PORTAL_SITE_URL": "https://portal.example.eu"},
            "https://portal.example.eu",
        ),
    ],
)
def test_make_run_derives_the_site_url_from_host_and_port(args, env, expected):
    result = subprocess.run(  # noqa: S603 - fixed command line
        ["make", "-s", "--no-print-directory", "show-env", *args],  # noqa: S607
        cwd=BASE_DIR,
        env=_make_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"PORTAL_SITE_URL={expected}"


def test_allauth_emails_greet_with_the_portals_name_and_address(settings, db):
    settings.SITE_URL = "http://127.0.0.1:8100"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8100")
    user = UserFactory(email="new@example.eu")
    with request_context(request):
        message = get_adapter().render_mail(
            "account/email/email_confirmation",
            "new@example.eu",
            {"user": user, "activate_url": "http://127.0.0.1:8100/confirm/k/", "key": "k"},
        )
    assert "Hello from GPAI evaluation portal!" in message.body
    assert "Thank you for using GPAI evaluation portal!" in message.body
    assert "127.0.0.1:8100" in message.body
    assert "Hello from 127.0.0.1" not in message.body


# --- stopping: scripts/run.py -----------------------------------------------------------------

# A command that starts a grandchild in its group (as runserver's reloader and Celery's pool
# do), writes both pids, and (with "hang") ignores SIGTERM as a hung Celery main process.
_CHILD = textwrap.dedent(
    """
    import os, signal, subprocess, sys, time
    out, mode = sys.argv[1], sys.argv[2]
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    if mode == "hang":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with open(out, "a") as f:
        f.write(f"{os.getpid()} {grandchild.pid}\\n")
    time.sleep(1 if mode == "exit" else 600)
    sys.exit(3)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not running; it waits only for its parent (here: init or pytest) to reap.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _start_supervisor(tmp_path: Path, *modes: str) -> tuple[subprocess.Popen, Path]:
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    pids = tmp_path / "pids"
    commands = [f"{sys.executable} {script} {pids} {mode}" for mode in modes]
    supervisor = subprocess.Popen(  # noqa: S603 - fixed command line
        [sys.executable, str(BASE_DIR / "scripts" / "run.py"), "--grace", "1", "--", *commands],
        # Its own group, as make's under a terminal: Ctrl-C is SIGINT to the whole group.
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if pids.exists() and len(pids.read_text().splitlines()) == len(modes):
            break
        time.sleep(0.05)
    else:
        supervisor.kill()
        pytest.fail("the commands did not start")
    return supervisor, pids


def _all_pids(pids: Path) -> list[int]:
    return [int(pid) for line in pids.read_text().splitlines() for pid in line.split()]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_ends_every_process_quietly(tmp_path, signum):
    supervisor, pids = _start_supervisor(tmp_path, "hang", "polite")
    os.killpg(supervisor.pid, signum)
    stdout, stderr = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0, stderr
    assert "Traceback" not in stderr
    time.sleep(0.2)
    survivors = [pid for pid in _all_pids(pids) if _alive(pid)]
    assert survivors == []


def test_a_command_that_ends_stops_the_others(tmp_path):
    supervisor, pids = _start_supervisor(tmp_path, "exit", "hang")
    _stdout, stderr = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 3
    assert "ended" in stderr
    time.sleep(0.2)
    assert [pid for pid in _all_pids(pids) if _alive(pid)] == []


# --- system libraries: scripts/check_system.py ------------------------------------------------


def test_nothing_missing_means_nothing_to_install():
    assert (
        check_system.missing_packages(
            find_library=lambda name: f"lib{name}.so",
            which=lambda program: f"/usr/bin/{program}",
            exists=lambda folder: True,
            has_venv=lambda: True,
        )
        == []
    )


def test_missing_libraries_are_named_by_their_debian_packages():
    present = {"gobject-2.0", "fontconfig", "harfbuzz"}
    packages = check_system.missing_packages(
        find_library=lambda name: f"lib{name}.so" if name in present else None,
        which=lambda program: None,
        exists=lambda folder: False,
        has_venv=lambda: False,
    )
    assert packages == [
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "gettext",
        "fonts-dejavu-core",
        f"python3.{sys.version_info.minor}-venv",
    ]


def test_a_user_is_told_the_one_command(monkeypatch, capsys):
    monkeypatch.setattr(check_system, "missing_packages", lambda: ["libpango-1.0-0", "gettext"])
    monkeypatch.setattr(check_system.os, "geteuid", lambda: 1000)
    assert check_system.main() == 1
    err = capsys.readouterr().err
    assert "Missing system packages: libpango-1.0-0, gettext" in err
    assert "sudo apt-get install -y --no-install-recommends libpango-1.0-0 gettext" in err


def test_root_installs_them_itself(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(check_system, "missing_packages", lambda: ["gettext"])
    monkeypatch.setattr(check_system.os, "geteuid", lambda: 0)
    monkeypatch.setattr(check_system.shutil, "which", lambda program: "/usr/bin/apt-get")
    monkeypatch.setattr(check_system.subprocess, "run", lambda args, **kwargs: calls.append(args))
    assert check_system.main() == 0
    assert calls == [
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "gettext"],
    ]


def test_this_machine_passes_the_check():
    # The test suite itself needs them: the check must agree with what the tests use.
    result = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, str(BASE_DIR / "scripts" / "check_system.py")],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- the log --------------------------------------------------------------------------------


def _stream_handlers_reached(logger_name: str) -> list[logging.Handler]:
    handlers = []
    logger = logging.getLogger(logger_name)
    while logger is not None:
        handlers += [
            h
            for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and type(h).__module__ == "logging"
        ]
        logger = logger.parent if logger.propagate else None
    return handlers


def test_a_request_warning_is_printed_once():
    # Django's default "django" console handler beside the root's printed each 403/404 twice.
    assert len(_stream_handlers_reached("django.request")) == 1


def test_403_is_logged_once_without_a_traceback(rf, caplog):
    from django.core.handlers.exception import response_for_exception  # noqa: PLC0415 -- test

    request = rf.get("/staff/")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = response_for_exception(request, PermissionDenied())
    records = [r for r in caplog.records if r.name == "django.request"]
    assert response.status_code == 403
    assert [(r.getMessage(), r.exc_info) for r in records] == [
        ("Forbidden (Permission denied): /staff/", None)
    ]


def test_404_is_logged_once_without_a_traceback(client, evaluator, caplog):
    client.force_login(evaluator)
    with caplog.at_level(logging.WARNING):
        response = client.get("/submissions/no-such-code/")
    assert response.status_code == 404
    assert [(r.name, r.exc_info) for r in caplog.records if r.levelno >= logging.WARNING] == [
        ("django.request", None)
    ]


def test_a_server_error_keeps_its_traceback(caplog):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            logging.getLogger("django.request").error(
                "Internal Server Error: /", exc_info=True, extra={"status_code": 500}
            )
    assert caplog.records[-1].exc_info is not None


def test_runserver_does_not_repeat_client_errors():
    from portal.logfilters import DropClientErrors  # noqa: PLC0415 -- test

    def record(status):
        r = logging.LogRecord("django.server", logging.WARNING, "", 0, "GET / %s", (status,), None)
        r.status_code = status
        return r

    keeps = DropClientErrors().filter
    assert [keeps(record(s)) for s in (200, 302, 403, 404, 500)] == [True, True, False, False, True]


def test_worker_prints_emails_at_info():
    from portal.celery import app  # noqa: PLC0415 -- test

    assert app.conf.worker_redirect_stdouts_level == "INFO"


def test_third_party_chatter_is_quiet_unless_debugging(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "print(*[logging.getLogger(n).getEffectiveLevel() "
        "for n in ('weasyprint', 'fontTools', 'matplotlib', 'portal')])"
    )

    def levels(log_level):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "true",
            "LOG_LEVEL": log_level,
            "PORTAL_VAR_DIR": str(tmp_path),
        }
        out = subprocess.run(  # noqa: S603 - fixed command line
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [int(x) for x in out.split()]

    assert levels("INFO") == [logging.ERROR, logging.ERROR, logging.ERROR, logging.INFO]
    assert levels("DEBUG") == [logging.DEBUG] * 4


def test_the_docker_image_holds_every_app_of_the_portal():
    # The image copies the app folders one by one; an app left out fails at start-up only.
    from django.conf import settings  # noqa: PLC0415 -- test

    copied = {
        line.split()[1]
        for line in (BASE_DIR / "Dockerfile").read_text().splitlines()
        if line.startswith("COPY ")
    }
    local_apps = {app for app in settings.INSTALLED_APPS if (BASE_DIR / app).is_dir()}
    assert local_apps - copied == set()
