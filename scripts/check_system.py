"""Checks the system libraries and programs the portal needs, before anything else runs.

Run by `make run` and `make test` with the system's python3 (the venv may not exist yet),
so it uses the standard library only. What is missing is named with the one `apt-get`
command that installs it; run as root (as `.ci/run` is), it installs them itself.
Exit status 0 when everything is there (or was installed), 1 otherwise.
"""

import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# (what WeasyPrint or the portal loads, the Debian package that provides it).
LIBRARIES = [
    ("gobject-2.0", "libglib2.0-0"),
    ("pango-1.0", "libpango-1.0-0"),
    ("pangoft2-1.0", "libpangoft2-1.0-0"),
    ("harfbuzz", "libharfbuzz0b"),
    ("harfbuzz-subset", "libharfbuzz-subset0"),
    ("fontconfig", "libfontconfig1"),
]
PROGRAMS = [("msgfmt", "gettext")]
# PDF reports need at least one font; DejaVu is the one the tests and CI use.
FONT_DIRS = [("/usr/share/fonts/truetype/dejavu", "fonts-dejavu-core")]


def missing_packages(
    *,
    find_library: Callable[[str], str | None] = ctypes.util.find_library,
    which: Callable[[str], str | None] = shutil.which,
    exists: Callable[[str], bool] = os.path.isdir,
    has_venv: Callable[[], bool] | None = None,
) -> list[str]:
    """The Debian packages to install, in a stable order, without repeats."""
    if has_venv is None:
        has_venv = _has_venv
    packages = [package for name, package in LIBRARIES if not find_library(name)]
    packages += [package for program, package in PROGRAMS if not which(program)]
    packages += [package for folder, package in FONT_DIRS if not exists(folder)]
    if not has_venv():
        # Debian splits `python3 -m venv` (ensurepip) into its own package.
        packages.append(f"python3.{sys.version_info.minor}-venv")
    return list(dict.fromkeys(packages))


def _has_venv() -> bool:
    # A venv that already exists needs no ensurepip.
    if Path(".venv/bin/python").exists():
        return True
    return importlib.util.find_spec("ensurepip") is not None


def install_command(packages: list[str]) -> str:
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


def main() -> int:
    packages = missing_packages()
    if not packages:
        return 0
    print("Missing system packages: " + ", ".join(packages), file=sys.stderr)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing them (running as root): " + install_command(packages), file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        # apt-get from PATH, as root runs it; the package names are this file's own.
        try:
            subprocess.run(["apt-get", "update", "-q"], check=True, env=env)  # noqa: S603, S607
            subprocess.run(  # noqa: S603
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],  # noqa: S607
                check=True,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.CalledProcessError as exc:
            print(f"apt-get failed (exit {exc.returncode}).", file=sys.stderr)
            return 1
        return 0
    print("Install them with:\n\n    sudo " + install_command(packages) + "\n", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
