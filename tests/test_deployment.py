"""Deployment files and production settings: what docker compose would run must work.

Docker itself is not run here. These tests check what can go wrong without it: a variable
that settings never read (a typo that silently leaves a default in force), a command that
does not exist, and production settings that `check --deploy` or start-up would refuse.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (BASE_DIR / "portal" / "settings.py").read_text()
PORTAL_SERVICES = ("web", "worker", "beat")

_ENV_READ = re.compile(
    r"""(?:\benv_(?:str|bool|int|list)|os\.environ\.get|os\.getenv|os\.environ\.setdefault)"""
    r"""\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
_ENV_SUBSCRIPT = re.compile(r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")


def settings_variables() -> set[str]:
    """Every environment variable name that portal/settings.py reads."""
    return set(_ENV_READ.findall(SETTINGS_SOURCE)) | set(_ENV_SUBSCRIPT.findall(SETTINGS_SOURCE))


def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def commands_of(service: dict) -> list[list[str]]:
    """The argument lists a service runs: `sh -c "a && exec b"` gives [a, b]."""
    command = service["command"]
    argv = shlex.split(command) if isinstance(command, str) else [str(arg) for arg in command]
    if argv[:2] in (["sh", "-c"], ["/bin/sh", "-c"], ["bash", "-c"]):
        commands = []
        for part in re.split(r"&&|;|\|\|", argv[2]):
            words = shlex.split(part)
            if words and words[0] == "exec":
                words = words[1:]
            if words:
                commands.append(words)
        return commands
    return [argv]


# Passed through from the test run; nothing else is: the developer's own settings, and
# variables other tests set (DJANGO_ALLOW_ASYNC_UNSAFE, for one), stay out of production.
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production start-up, and nothing more."""
    env = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portal.example.eu",
        MFA_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        PORTAL_SITE_URL="https://portal.example.eu",
        # Named by the privacy pages; `check --deploy` warns without them (privacy.checks).
        PRIVACY_CONTROLLER_NAME="European Commission, AI Office",
        PRIVACY_CONTROLLER_ADDRESS="1049 Brussels, Belgium",
        PRIVACY_DPO_CONTACT="dpo@example.eu",
        PRIVACY_CONTACT_EMAIL="privacy@example.eu",
        # Keep the default SQLite file, file cache and broker folders out of var/.
        PORTAL_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def run_python(
    args: list[str], env: dict[str, str], *, timeout: int = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed command lines
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# --- (a) docker-compose.yml ---------------------------------------------------------------


def test_settings_variables_are_found():
    # Guards the parser below: if it found nothing, every compose check would pass.
    found = settings_variables()
    assert {
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "EULOGIN_SERVER_URL",  # its call spans two lines
        "PORTAL_VAR_DIR",
    } <= found


def test_compose_sets_only_variables_that_settings_read():
    services = compose()["services"]
    read = settings_variables()
    for name in PORTAL_SERVICES:
        environment = services[name].get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        assert environment, f"service {name} has no environment"
        unknown = sorted(set(environment) - read)
        assert not unknown, f"service {name} sets variables settings never read: {unknown}"
        for required in (
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "MFA_ENCRYPTION_KEY",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
        ):
            assert environment.get(required), f"service {name} does not set {required}"
        assert environment["DJANGO_DEBUG"] == "false"
        for secret in ("DJANGO_SECRET_KEY", "MFA_ENCRYPTION_KEY"):
            # Required from the operator, never a default baked into the file.
            value = environment[secret]
            assert value.startswith(f"${{{secret}:?") and value.endswith("}"), value


def test_all_portal_services_share_one_environment():
    services = compose()["services"]
    environments = [services[name]["environment"] for name in PORTAL_SERVICES]
    assert all(environment == environments[0] for environment in environments)


def test_dockerfile_sets_only_variables_that_something_reads():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    names = set()
    for block in re.findall(r"^ENV\s+((?:.*\\\n)*.*)$", dockerfile, flags=re.MULTILINE):
        names |= set(re.findall(r"([A-Z][A-Z0-9_]*)=", block))
    assert names
    read_elsewhere = {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}  # Django and Python read these
    unknown = sorted(
        name
        for name in names - settings_variables() - read_elsewhere
        if not name.startswith(("PYTHON", "PIP_"))
    )
    assert not unknown, f"Dockerfile sets variables nothing reads: {unknown}"


def test_compose_commands_exist_and_their_targets_import():
    services = compose()["services"]
    bin_dir = Path(sys.executable).parent
    seen = set()
    for name in PORTAL_SERVICES:
        for argv in commands_of(services[name]):
            executable = argv[0]
            seen.add(executable)
            assert (bin_dir / executable).exists(), f"{name}: {executable} is not installed"
            if executable == "python":
                assert argv[1] == "manage.py" and (BASE_DIR / "manage.py").exists()
            if executable == "gunicorn":
                target = next(arg for arg in argv[1:] if ":" in arg and not arg.startswith("-"))
                module, attribute = target.split(":")
                assert (module, attribute) == ("portal.wsgi", "application")
            if executable == "celery":
                assert argv[1:3] == ["-A", "portal"], argv
    assert {"gunicorn", "celery"} <= seen
    web = commands_of(services["web"])
    assert web[0][:3] == ["python", "manage.py", "migrate"], "web must migrate first"
    assert web[-1][0] == "gunicorn"
    assert services["beat"].get("deploy", {}).get("replicas") == 1


def test_wsgi_application_and_celery_app_import():
    from celery.app.utils import find_app
    from django.core.handlers.wsgi import WSGIHandler

    import portal.wsgi

    assert isinstance(portal.wsgi.application, WSGIHandler)
    app = find_app("portal")  # what `celery -A portal` does
    assert app.main == "portal"
    app.loader.import_default_modules()  # what the worker does at start-up
    assert "portal.tasks.task_ping" in app.tasks


def test_wsgi_start_up_freezes_what_it_loaded(tmp_path):
    """The views are imported and what start-up loaded is out of the garbage collector's
    walk (portal/wsgi.py), as gunicorn's workers start it."""
    code = (
        "import gc, sys, portal.wsgi; "
        "print(gc.get_freeze_count(), 'reviews.views.reviewing.assignments' in sys.modules)"
    )
    result = run_python(["-c", code], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"


def test_readme_documents_every_settings_variable():
    readme = (BASE_DIR / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))
    missing = sorted(settings_variables() - documented)
    assert not missing, f"README.md's configuration table does not list: {missing}"


# --- (b) manage.py check --deploy ---------------------------------------------------------


def test_check_deploy_passes_in_production(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output


@pytest.mark.slow
def test_collectstatic_works_in_production(tmp_path):
    # The Docker build runs this; the manifest storage fails on a missing referenced file.
    static_root = tmp_path / "static"
    result = run_python(
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        production_env(tmp_path, DJANGO_STATIC_ROOT=str(static_root)),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (static_root / "staticfiles.json").exists()


# --- (c) production start-up refuses a bad environment ------------------------------------

SETUP = ["-c", "import django; django.setup()"]


def test_production_environment_starts(tmp_path):
    result = run_python(SETUP, production_env(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not 'true'"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is not"),
        ("MFA_ENCRYPTION_KEY", "MFA_ENCRYPTION_KEY is required when DJANGO_DEBUG is not 'true'"),
    ],
)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_refuses_to_start_without(tmp_path, missing, message, how):
    env = production_env(tmp_path)
    if how == "unset":
        del env[missing]
    else:
        env[missing] = "  "
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr, result.stderr


@pytest.mark.parametrize("value", ["yes", "1", "on", "t", "no", "0"])
def test_debug_flag_is_parsed_strictly(tmp_path, value):
    result = run_python(SETUP, production_env(tmp_path, DJANGO_DEBUG=value))
    assert result.returncode != 0
    assert f"DJANGO_DEBUG must be 'true' or 'false', not {value!r}" in result.stderr, result.stderr


def test_unset_debug_flag_means_production(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_DEBUG"]
    del env["DJANGO_SECRET_KEY"]
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


# --- (d) Content-Security-Policy in production --------------------------------------------

_CSP_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import RequestFactory
    from csp.middleware import CSPMiddleware

    request = RequestFactory().get("/", secure=True, HTTP_HOST="portal.example.eu")
    response = CSPMiddleware(lambda request: HttpResponse("ok"))(request)
    print(json.dumps({
        "debug": settings.DEBUG,
        "directives": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "header": response.get("Content-Security-Policy"),
        "report_only": response.get("Content-Security-Policy-Report-Only"),
    }))
    """
)


def test_production_csp_forbids_inline_scripts(tmp_path):
    result = run_python(["-c", _CSP_PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["debug"] is False
    directives = probe["directives"]
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, "no script-src nor default-src: scripts from anywhere"
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src

    # The header actually sent, as the browser gets it.
    header = probe["header"]
    assert header, "CSPMiddleware sent no Content-Security-Policy header"
    policy = {
        words[0]: words[1:] for words in (part.split() for part in header.split(";")) if words
    }
    assert "script-src" in policy, header
    assert "'unsafe-inline'" not in policy["script-src"], header
    assert policy.get("object-src") == ["'none'"], header
    assert policy.get("frame-ancestors") == ["'none'"], header


# --- (e) the client's address behind the reverse proxy ------------------------------------

_CLIENT_ADDRESS_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from allauth.account.adapter import get_adapter
    from django.test import RequestFactory

    # As gunicorn sees a login through nginx: the proxy's address, and X-Forwarded-For
    # with what the client forged on the left and what nginx saw on the right.
    request = RequestFactory().post(
        "/accounts/login/",
        REMOTE_ADDR="172.18.0.1",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7",
        HTTP_X_REAL_IP="192.0.2.5",
    )
    print(json.dumps(get_adapter().get_client_ip(request)))
    """
)


def compose_value(name: str) -> str:
    """What docker compose gives the web service for `name` when .env does not set it."""
    value = compose()["services"]["web"]["environment"][name]
    match = re.fullmatch(r"\$\{[A-Z0-9_]+:?-(.*)\}", value)
    return match.group(1) if match else value


def client_address(tmp_path: Path, **overrides: str) -> str:
    result = run_python(["-c", _CLIENT_ADDRESS_PROBE], production_env(tmp_path, **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rate_limits_count_the_client_behind_the_compose_proxy(tmp_path):
    # Counted per proxy address instead, one client's failed logins lock everyone out.
    count = compose_value("PORTAL_TRUSTED_PROXY_COUNT")
    assert count == "1"
    assert client_address(tmp_path, PORTAL_TRUSTED_PROXY_COUNT=count) == "198.51.100.7"


def test_rate_limits_ignore_forwarded_for_by_default(tmp_path):
    # Served directly, X-Forwarded-For is the client's own invention.
    assert client_address(tmp_path) == "172.18.0.1"


def test_rate_limits_can_use_a_client_address_header_instead(tmp_path):
    overrides = {"PORTAL_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}
    assert client_address(tmp_path, **overrides) == "192.0.2.5"


def test_negative_proxy_count_is_refused(tmp_path):
    result = run_python(SETUP, production_env(tmp_path, PORTAL_TRUSTED_PROXY_COUNT="-1"))
    assert result.returncode != 0
    assert "PORTAL_TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr, result.stderr


# --- (f) cookies in production --------------------------------------------------------------

_COOKIE_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import CsrfViewMiddleware, get_token
    from django.test import RequestFactory
    from portal.views.pages import set_language

    def flags(cookie):
        return {
            "value": cookie.value,
            "secure": bool(cookie["secure"]),
            "httponly": bool(cookie["httponly"]),
            "samesite": cookie["samesite"],
        }

    def view(request):
        get_token(request)  # as a page with a form does
        return set_language(request)

    request = RequestFactory().post(
        "/i18n/setlang/", {"language": "da", "next": "/"}, secure=True,
        HTTP_HOST="portal.example.eu",
    )
    request.user = AnonymousUser()
    request._dont_enforce_csrf_checks = True
    response = CsrfViewMiddleware(view)(request)
    print(json.dumps({
        "status": response.status_code,
        "language": flags(response.cookies[settings.LANGUAGE_COOKIE_NAME]),
        "csrf": flags(response.cookies[settings.CSRF_COOKIE_NAME]),
    }))
    """
)


def test_cookies_are_secure_httponly_and_same_site_in_production(tmp_path):
    # No script reads either cookie: the language is rendered by the server, and the
    # scripts take the CSRF token from the form (static/portal/*.js).
    result = run_python(["-c", _COOKIE_PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 302
    assert probe["language"] == {
        "value": "da",
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
    assert {key: probe["csrf"][key] for key in ("secure", "httponly", "samesite")} == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }


# --- (g) Redis down or hung: the web server keeps answering ---------------------------------

_CACHE_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.cache import cache

    cache.set("figure", 42)
    print(json.dumps(cache.get("figure")))
    """
)


def test_production_cache_answers_while_redis_is_down(tmp_path):
    # Nothing listens on port 9 of this machine.
    env = production_env(tmp_path, CACHE_URL="redis://127.0.0.1:9/1")
    result = run_python(["-c", _CACHE_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 42
    assert "Redis cache at 127.0.0.1:9/1 unreachable" in result.stderr


_PUBLISH_PROBE = textwrap.dedent(
    """
    import time
    import django
    django.setup()
    from portal.tasks import email_dispatch

    started = time.monotonic()
    email_dispatch(1)  # what a request does after committing an email to the outbox
    print(time.monotonic() - started)
    """
)


@pytest.mark.slow
def test_production_gives_up_sending_a_task_to_a_hung_broker(tmp_path):
    # Accepts connections and never answers, as a hung Redis.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        env = production_env(
            tmp_path, CELERY_BROKER_URL=f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        )
        result = run_python(["-c", _PUBLISH_PROBE], env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip().splitlines()[-1]) < 15
    assert "Broker unavailable; email 1 stays in the outbox" in result.stderr
