"""Load on the reviewer dashboard of the large workshop, beside a hello-world Django app.

Reuses bench_pages.py's database and large workshop (10,000 submissions, 5,000 reviewers,
30,000 reviews; seeded there if missing), signs in one of its reviewers, and runs, one
after the other, each for DURATION seconds with CONNECTIONS concurrent clients (`wrk`,
installed with apt-get when missing and running as root):

  - the portal under gunicorn (2 sync workers) with production settings (DJANGO_DEBUG
    unset, a secret key, allowed hosts, collected static files; no TLS redirect on
    loopback), GET of the reviewer dashboard with the reviewer's session cookie;
  - benchmarks/hello_wsgi.py under the same gunicorn settings, GET /.

and prints

  bench: load reviewer_dashboard rps=<n> p99_ms=<n> hello_rps=<n>

Target: p99_ms under 100. Traffic goes to 127.0.0.1 only; every run is bounded by wrk's
duration and a timeout, and every server started is stopped.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SECRET_KEY = "bench-load-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY

import bench_pages  # noqa: E402 -- after the secret key: sessions are signed with it

PYTHON = sys.executable
WORKERS, CONNECTIONS, DURATION = 2, 20, 15


class BenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("wrk is missing: apt-get install -y wrk")
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],  # noqa: S607 -- Debian's own client
        check=False,
        capture_output=True,
        timeout=300,
    )
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is missing and apt-get install -y wrk did not install it")
    return found


def production_env(folder: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env.update(
        DATABASE_URL=bench_pages.BENCH_URL,
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Loopback has no TLS; everything else stays as production sets it.
        SECURE_SSL_REDIRECT="false",
        MFA_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        PORTAL_VAR_DIR=str(folder / "var"),
        CACHE_URL="locmem",
    )
    return env


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 -- our own command
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def gunicorn(app: str, port: int, chdir: Path) -> list[str]:
    import gunicorn.config

    command = [PYTHON, "-m", "gunicorn", app, "--workers", str(WORKERS), "--worker-class"]
    command += ["sync", "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir)]
    # gunicorn 25+ opens a control socket in ~/.gunicorn by default; not wanted here.
    if any("--no-control-socket" in (s.cli or ()) for s in gunicorn.config.KNOWN_SETTINGS):
        command.append("--no-control-socket")
    return command


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def fetch(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def wait_until_up(url: str, server: subprocess.Popen, cookie: str = "") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode} while starting")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            status, _ = fetch(url, cookie)
            if status == 200:
                return
            raise BenchError(f"{url} answered {status}")
        time.sleep(0.2)
    raise BenchError(f"{url} did not answer within 60 s")


def load(wrk: str, url: str, cookie: str = "") -> tuple[float, float]:
    """(requests per second, p99 in ms) of a bounded wrk run; every answer must be 2xx."""
    command = [wrk, f"-t{WORKERS}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603 -- wrk against our own loopback server
        [*command, url], capture_output=True, text=True, timeout=DURATION + 60, check=True
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise BenchError(f"{url} answered errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99


def session_cookie() -> tuple[str, str]:
    """(dashboard path, Cookie header) for a reviewer of the large workshop."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from portal.models import User

    call_command("migrate", verbosity=0)
    bench_pages.seed("large", bench_pages.SIZES["large"])
    reviewer = User.objects.get(email="large-reviewer7@bench.example")
    client = Client()
    client.force_login(reviewer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return reverse(bench_pages.DASHBOARD_URL), f"{settings.SESSION_COOKIE_NAME}={cookie}"


def main() -> int:
    wrk = ensure_wrk()
    bench_pages.ensure_database(reseed=False)
    dashboard, cookie = session_cookie()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        env = production_env(folder)
        subprocess.run(  # noqa: S603 -- our own manage.py
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        port, hello_port = free_port(), free_port()
        portal = start(gunicorn("portal.wsgi:application", port, ROOT), env, folder / "p.log")
        try:
            url = f"http://127.0.0.1:{port}{dashboard}"
            wait_until_up(url, portal, cookie)
            status, body = fetch(url, cookie)
            if "large evaluation" not in body:
                raise BenchError(f"the dashboard does not list the reviewer's reviews ({status})")
            rps, p99 = load(wrk, url, cookie)
        except BaseException:
            print((folder / "p.log").read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        finally:
            stop(portal)
        hello = start(
            gunicorn("hello_wsgi:application", hello_port, ROOT / "benchmarks"),
            {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"},
            folder / "h.log",
        )
        try:
            hello_url = f"http://127.0.0.1:{hello_port}/"
            wait_until_up(hello_url, hello)
            hello_rps, _ = load(wrk, hello_url)
        finally:
            stop(hello)
    print(
        f"bench: load reviewer_dashboard rps={rps:.0f} p99_ms={p99:.0f} hello_rps={hello_rps:.0f}"
    )
    if p99 >= 100:
        print(f"target missed: p99 {p99:.0f} ms >= 100 ms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench_load: {error}", file=sys.stderr)
        sys.exit(1)
