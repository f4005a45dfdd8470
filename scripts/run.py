"""Runs the development server, the Celery worker and beat; Ctrl-C stops all, quietly.

Used by `make run`:

    python scripts/run.py --wait-for 127.0.0.1:8000 --url http://127.0.0.1:8000/ \\
        --banner var/demo-logins.txt -- '<web server>' '<worker>' '<beat>'

Each command runs in a session (process group) of its own, so the terminal's Ctrl-C
reaches only this script, which then stops them: SIGTERM to each command, a grace period,
SIGKILL to each command's whole group. A Celery main process that hangs on its way out,
runserver's reloaded child or a pool child cannot outlive it, and `make` sees a clean exit
(no "make: *** ... Segmentation fault"). When one command ends by itself, the others are
stopped too, and this script exits non-zero.
"""

import argparse
import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

GRACE_SECONDS = 10.0


class Stop(Exception):
    pass


def _raise_stop(signum, _frame) -> None:
    raise Stop(signum)


def start(commands: list[str], children: list[subprocess.Popen]) -> None:
    # Appended one by one: a Ctrl-C between two starts still stops the first.
    for command in commands:
        # The commands are the Makefile's own.
        children.append(subprocess.Popen(shlex.split(command), start_new_session=True))  # noqa: S603


def stop(children: list[subprocess.Popen], *, grace: float = GRACE_SECONDS) -> None:
    """SIGTERM to each command's own process (Celery's main process then stops its pool
    and beat in order: a signal to its whole group would kill them mid-task, and log it
    as an error), a grace period for them to end, then SIGKILL to every group: whatever a
    command left behind (runserver's reloaded child, a hung Celery main process) ends."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in children:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        except PermissionError:
            # The group id was reused by someone else's process: nothing of ours is left.
            pass
        child.wait()


def _print_banner_when_up(address: str, banner: Path | None, url: str) -> None:
    host, _, port = address.rpartition(":")
    for _ in range(600):
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        return
    text = f"\n\nPortal: {url}\n"
    if banner is not None and banner.exists():
        text += banner.read_text()
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait-for", help="host:port; print the banner once it answers")
    parser.add_argument("--url", help="the portal's address, printed in the banner")
    parser.add_argument("--banner", type=Path, help="a file printed after the address")
    parser.add_argument("--grace", type=float, default=GRACE_SECONDS)
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args(argv)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    children: list[subprocess.Popen] = []
    status = 0
    try:
        start(args.commands, children)
        if args.wait_for:
            threading.Thread(
                target=_print_banner_when_up,
                args=(args.wait_for, args.banner, args.url or f"http://{args.wait_for}/"),
                daemon=True,
            ).start()
        while True:
            for child in children:
                if child.poll() is not None:
                    status = child.returncode if child.returncode > 0 else 1
                    print(f"Stopped: {shlex.join(child.args[:3])} ended.", file=sys.stderr)
                    raise Stop
            time.sleep(0.2)
    except Stop:
        pass
    finally:
        # A second Ctrl-C while stopping must not leave the rest running.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        print("\nStopping...", file=sys.stderr, flush=True)
        stop(children, grace=args.grace)
    return status


if __name__ == "__main__":
    sys.exit(main())
