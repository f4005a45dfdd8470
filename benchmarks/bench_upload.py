"""Memory and time of a 100 MiB PDF upload through the real edit view of a real server.

    .venv/bin/python benchmarks/bench_upload.py      (or: make bench)

Prints one result line on stdout (after a header line starting with '#'):

    bench: upload_100mb rss_growth_mb=<n> seconds=<n>

rss_growth_mb is how far the gunicorn worker's peak resident memory (VmHWM) rose above its
resident memory just before the upload; seconds is the wall time of the upload request.
The target is rss_growth_mb under 20: the upload path is meant to stream (to disk in
chunks, hashed in chunks, the PDF opened in a child process), so a 100 MiB file should
cost the worker a small, constant amount of memory. Exits non-zero, saying why on stderr,
if the upload was not accepted and stored intact; going over the target is reported on
stderr but is not a failure.

What it does, all in a throwaway folder (PORTAL_VAR_DIR) deleted at the end:
- writes a valid 100 MiB PDF (one page drawing a 10240 x 10240 greyscale image of random,
  incompressible bytes), streamed to disk, never held in memory;
- migrates a fresh SQLite database and creates a verified user, an organisation, an open
  workshop and a draft submission;
- starts `gunicorn portal.wsgi:application` with one sync worker (production-like), logs in
  with curl, warms the worker up with a GET of the edit page and a small upload, then
  posts the edit form with the big file (curl streams it from disk);
- checks that the stored file has the right size and SHA-256.

The database is always SQLite in the throwaway folder, even when DATABASE_URL is set (in
CI, say): the benchmark measures the web worker, not the database, and this way it can
never touch a developer's or CI's database nor need rights to create one. For the same
reason every setting that could point outside the folder (cache, broker, media, S3) is
reset to its default under it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
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
PYTHON = sys.executable

IMAGE_SIDE = 10240  # 10240 x 10240 bytes of greyscale image data = 100 MiB
SMALL_IMAGE_SIDE = 64
RSS_TARGET_MB = 20.0
EMAIL = "bench-upload@example.org"
PASSWORD = "bench-upload-correct-horse-battery"

# Settings that could make the server or the setup scripts reach outside the throwaway
# folder, or refuse plain-HTTP requests to 127.0.0.1: dropped, so that the defaults apply.
_DROPPED_ENV = (
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "DJANGO_MEDIA_ROOT",
    "DJANGO_STATIC_ROOT",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "EMAIL_BACKEND",
    "EULOGIN_CLIENT_ID",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
)

_SETUP = """
import json, sys
from datetime import timedelta

import django

django.setup()

from allauth.account.models import EmailAddress
from django.utils import timezone

from portal.models import Membership, Organisation, User, Workshop
from submissions.models import Submission

email, password = sys.argv[1], sys.argv[2]
user = User.objects.create_user(email, password, full_name="Bench Evaluator")
EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
organisation = Organisation.objects.create(
    name="Bench organisation", type=Organisation.Type.RESEARCH, country="BE"
)
Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.MEMBER)
now = timezone.now()
workshop = Workshop.objects.create(
    title="Bench workshop",
    submission_opens_at=now - timedelta(days=1),
    submission_closes_at=now + timedelta(days=30),
    review_deadline=now + timedelta(days=60),
)
submission = Submission.objects.create(
    workshop=workshop, organisation=organisation, contact=user, title="Bench upload"
)
print(json.dumps({
    "code": submission.code,
    "title": submission.title,
    "confidentiality": submission.confidentiality,
    "language": submission.language or "en",
}))
"""

_CHECK = """
import json, sys

import django

django.setup()

from submissions.models import SubmissionFile

rows = SubmissionFile.objects.filter(
    submission__code=sys.argv[1], kind="main", detached_at__isnull=True
)
print(json.dumps([
    {"size": f.size, "sha256": f.sha256, "stored_size": f.file.size, "name": f.original_name}
    for f in rows
]))
"""


class BenchError(Exception):
    pass


# --- the PDF ------------------------------------------------------------------------------


def write_pdf(path: Path, side: int) -> tuple[int, str]:
    """A one-page PDF showing a side x side greyscale image of random bytes.

    Written in 1 MiB pieces with a hand-made cross-reference table, so that the benchmark
    process never holds the file. Returns (size, sha256 hex digest).
    """
    digest = hashlib.sha256()
    offsets: list[int] = []
    position = 0

    with path.open("wb") as out:

        def emit(data: bytes) -> None:
            nonlocal position
            out.write(data)
            digest.update(data)
            position += len(data)

        def start_object(number: int) -> None:
            offsets.append(position)
            emit(f"{number} 0 obj\n".encode())

        content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        image_length = side * side
        emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        start_object(1)
        emit(b"<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        start_object(2)
        emit(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
        start_object(3)
        emit(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>\nendobj\n"
        )
        start_object(4)
        emit(b"<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(content), content))
        start_object(5)
        emit(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
            b" /BitsPerComponent 8 /Length %d >>\nstream\n" % (side, side, image_length)
        )
        remaining = image_length
        while remaining:
            piece = os.urandom(min(remaining, 1024 * 1024))
            emit(piece)
            remaining -= len(piece)
        emit(b"\nendstream\nendobj\n")
        xref_at = position
        emit(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            emit(b"%010d 00000 n \n" % offset)
        emit(
            b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(offsets) + 1, xref_at)
        )
    return position, digest.hexdigest()


# --- processes ----------------------------------------------------------------------------


def bench_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        {
            "PORTAL_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "true",
            "SUBMISSION_MAX_UPLOAD_MB": "150",
            "ACCOUNT_RATE_LIMITS_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run(command: list[str], env: dict[str, str], what: str) -> str:
    completed = subprocess.run(  # noqa: S603 - our own commands
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BenchError(
            f"{what} failed ({completed.returncode}):\n{completed.stdout[-3000:]}"
            f"\n{completed.stderr[-3000:]}"
        )
    return completed.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode} while starting")
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {timeout:.0f} s")


def worker_pid(master: int) -> int:
    children: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        try:
            children += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    if len(children) != 1:
        raise BenchError(f"expected one gunicorn worker under {master}, found {children}")
    return children[0]


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def reset_peak(pid: int) -> None:
    # "5" resets VmHWM to the current RSS (Linux 4.0+), so that an earlier peak (start-up,
    # the warm-up) cannot hide or inflate the upload's. Not fatal where it is refused: the
    # growth is then measured against the current RSS all the same.
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def gunicorn_command(port: int) -> list[str]:
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "--workers",
        "1",
        "--threads",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "300",
        "--chdir",
        str(ROOT),
    ]
    # gunicorn 25+ opens a control socket in ~/.gunicorn by default; a benchmark server has
    # no use for it, and must not clash with a developer's own gunicorn there.
    import gunicorn.config

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


# --- HTTP with curl -----------------------------------------------------------------------


class Client:
    def __init__(self, base: str, folder: Path) -> None:
        self.base = base
        self.jar = folder / "cookies.txt"
        self.body = folder / "response.html"

    def request(self, path: str, *args: str) -> tuple[int, str, float]:
        """(status, redirect URL, total seconds); the body is left in self.body."""
        command = [
            "curl",
            "--silent",
            "--show-error",
            "--max-time",
            "600",
            "--cookie",
            str(self.jar),
            "--cookie-jar",
            str(self.jar),
            "--output",
            str(self.body),
            "--write-out",
            "%{http_code} %{time_total} %{redirect_url}",
            *args,
            self.base + path,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if completed.returncode != 0:
            raise BenchError(f"curl {path} failed: {completed.stderr.strip()}")
        status, seconds, *redirect = completed.stdout.split(" ", 2)
        return int(status), (redirect[0] if redirect else ""), float(seconds)

    def text(self) -> str:
        return self.body.read_text(encoding="utf-8", errors="replace")

    def csrf_token(self) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.text())
        if not match:
            raise BenchError("no CSRF token in the page")
        return match.group(1)


def login(client: Client) -> None:
    status, _, _ = client.request("/accounts/login/")
    if status != 200:
        raise BenchError(f"GET /accounts/login/ answered {status}")
    status, location, _ = client.request(
        "/accounts/login/",
        "--data-urlencode",
        f"csrfmiddlewaretoken={client.csrf_token()}",
        "--data-urlencode",
        f"login={EMAIL}",
        "--data-urlencode",
        f"password={PASSWORD}",
    )
    if status != 302 or "/accounts/" in location:
        raise BenchError(f"login answered {status} {location!r}")


def open_edit_page(client: Client, code: str) -> tuple[str, str]:
    """GET the edit page: (csrf token, revision)."""
    status, _, _ = client.request(f"/submissions/{code}/edit/")
    if status != 200:
        raise BenchError(f"GET the edit page answered {status}")
    match = re.search(r'name="revision" value="(\d+)"', client.text())
    if not match:
        raise BenchError("no revision field in the edit page")
    return client.csrf_token(), match.group(1)


def edit_form(client: Client, code: str, info: dict, pdf: Path) -> list[str]:
    """GET the edit page, and return curl's arguments to post it back with `pdf`."""
    token, revision = open_edit_page(client, code)
    fields = {
        "csrfmiddlewaretoken": token,
        "revision": revision,
        "title": info["title"],
        "abstract": "",
        "confidentiality": info["confidentiality"],
        "language": info["language"],
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "50",
        "authors-0-name": "Ada Author",
        "authors-0-affiliation": "Lab",
        # The file inputs come last, as in the page.
        "kind": "main",
    }
    args: list[str] = ["--header", "Expect:"]  # no 1 s wait for "100 Continue"
    for name, value in fields.items():
        args += ["--form-string", f"{name}={value}"]
    # curl reads the file from disk as it sends it.
    args += ["--form", f"upload=@{pdf};type=application/pdf;filename=report.pdf"]
    return args


def check_upload(result: tuple[int, str, float], code: str, what: str) -> None:
    status, location, _ = result
    if status != 302 or not location.endswith(f"/submissions/{code}/edit/"):
        raise BenchError(f"{what} answered {status} {location!r}, not a redirect to the edit page")


# --- the benchmark --------------------------------------------------------------------------


def main() -> int:
    print(
        "# bench_upload: 100 MiB PDF posted to submissions:edit on gunicorn "
        f"(1 sync worker); target rss_growth_mb < {RSS_TARGET_MB:.0f}",
        flush=True,
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    server: subprocess.Popen | None = None
    log = None
    try:
        var_dir = folder / "var"
        for sub in ("broker/queue", "broker/processed", "media", "cache"):
            (var_dir / sub).mkdir(parents=True)
        env = bench_env(var_dir)

        big = folder / "report.pdf"
        small = folder / "small.pdf"
        size, sha256 = write_pdf(big, IMAGE_SIDE)
        write_pdf(small, SMALL_IMAGE_SIDE)

        run([PYTHON, "manage.py", "migrate", "--noinput"], env, "migrate")
        info = json.loads(run([PYTHON, "-c", _SETUP, EMAIL, PASSWORD], env, "setup"))
        code = info["code"]

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (folder / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            gunicorn_command(port),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_up(base, server)
        worker = worker_pid(server.pid)

        client = Client(base, folder)
        login(client)
        # Warm-up: every module and template of the request path is loaded before measuring.
        path = f"/submissions/{code}/edit/"
        warm_up = client.request(path, *edit_form(client, code, info, small))
        check_upload(warm_up, code, "the warm-up upload")

        args = edit_form(client, code, info, big)  # a GET: the revision is now one more
        reset_peak(worker)
        before = memory_kib(worker)
        response = client.request(path, *args)
        after = memory_kib(worker)
        if worker_pid(server.pid) != worker:
            raise BenchError("the gunicorn worker was replaced during the upload")
        check_upload(response, code, "the upload")

        rows = json.loads(run([PYTHON, "-c", _CHECK, code], env, "check"))
        expected = {"size": size, "sha256": sha256, "stored_size": size, "name": "report.pdf"}
        if rows != [expected]:
            raise BenchError(f"stored file is {rows}, expected [{expected}]")

        growth_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
        seconds = response[2]
        print(f"bench: upload_100mb rss_growth_mb={growth_mb:.1f} seconds={seconds:.1f}")
        if growth_mb >= RSS_TARGET_MB:
            print(
                f"bench_upload: rss_growth_mb={growth_mb:.1f} is over the target of "
                f"{RSS_TARGET_MB:.0f} (RSS before {before['VmRSS'] / 1024:.1f} MiB, "
                f"peak after {after['VmHWM'] / 1024:.1f} MiB)",
                file=sys.stderr,
            )
        return 0
    except BenchError as error:
        print(f"bench_upload: {error}", file=sys.stderr)
        if log is not None:
            log.flush()
            tail = (folder / "gunicorn.log").read_text(errors="replace")[-4000:]
            print(f"--- gunicorn log (tail) ---\n{tail}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            stop(server)
        if log is not None:
            log.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
