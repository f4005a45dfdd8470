"""PDF structure and JSON syntax, checked by parsers a crafted file could exhaust: they run
in a child process (submissions.pdfcheck) with operating-system limits on memory and CPU
time, and a timeout."""

import json
import logging
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from submissions.files.kinds import refuse

logger = logging.getLogger(__name__)


def check_in_child(*, name: str, path: str, json_syntax: bool) -> None:
    timeout = settings.PDF_CHECK_TIMEOUT_SECONDS
    command = [
        sys.executable,
        "-m",
        "submissions.pdfcheck",
        "--memory-mb",
        str(settings.PDF_CHECK_MEMORY_MB),
        "--cpu-seconds",
        str(int(timeout) + 1),
        *(["--json"] if json_syntax else []),
        path,
    ]
    too_complex = refuse(
        _(
            "“%(name)s” could not be checked: it is too large or complex to open within "
            "the portal's limits. It may be damaged."
        ),
        "too_complex",
        name=name,
    )
    try:
        completed = subprocess.run(  # noqa: S603 - our own module, a path we made
            command,
            cwd=settings.BASE_DIR,  # so that `-m submissions.pdfcheck` is found
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has already killed the child.
        logger.warning("File check timed out after %ss: %s", timeout, name)
        raise too_complex from None
    stderr = completed.stderr.decode("utf-8", "replace")[-2000:]
    result = _last_json_line(completed.stdout)
    if result is None:
        if completed.returncode < 0 or "MemoryError" in stderr:
            # Killed by a limit (SIGXCPU, or the memory limit hit while reporting).
            logger.warning("File check of %s ended by a limit: %s", name, stderr)
            raise too_complex
        # Not the file's fault: the check itself could not run. A 500 alerts the admins,
        # where blaming the evaluator's file would hide the problem.
        raise RuntimeError(f"submissions.pdfcheck failed ({completed.returncode}): {stderr}")
    if result["ok"]:
        return
    error = result["error"]
    if error:
        logger.info("File %s refused (%s): %s", name, error, result.get("detail", ""))
    if error == "encrypted":
        raise refuse(
            _("“%(name)s” is encrypted (password-protected). Upload an unencrypted copy."),
            "encrypted",
            name=name,
        )
    if error == "no_pages":
        raise refuse(_("“%(name)s” has no pages."), "no_pages", name=name)
    if error == "invalid_json":
        raise refuse(
            _(
                "“%(name)s” is not valid JSON: there is an error on line %(line)s, "
                "column %(column)s."
            ),
            "invalid_json",
            name=name,
            line=result["line"],
            column=result["column"],
        )
    if error == "too_complex":
        raise too_complex
    raise refuse(
        _("“%(name)s” could not be read as a PDF: the file appears truncated or damaged."),
        "damaged",
        name=name,
    )


def _last_json_line(stdout: bytes) -> dict[str, Any] | None:
    lines = stdout.decode("utf-8", "replace").strip().splitlines()
    if not lines:
        return None
    try:
        result = json.loads(lines[-1])
    except ValueError:
        return None
    return result if isinstance(result, dict) and "ok" in result else None
