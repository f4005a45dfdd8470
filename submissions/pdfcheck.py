"""Open one untrusted uploaded file in a process of its own, with bounded memory and CPU.

    python -m submissions.pdfcheck [--memory-mb N] [--cpu-seconds N] [--json] PATH

A crafted PDF can make a parser allocate gigabytes or loop for minutes, and a small JSON
file of nested empty arrays takes over twenty times its size in memory. Parsing either in a
web worker would let one upload take the worker down, so submissions.files runs this module
in a child process instead: the operating system enforces the limits set below, and the
parent enforces a wall-clock timeout.

Prints one line of JSON on stdout and exits 0 whenever it could judge the file:

    {"ok": bool, "pages": int | null, "encrypted": bool, "error": str | null,
     "detail": str, "line": int | null, "column": int | null}

`error` is one of: null, "encrypted", "truncated", "damaged", "no_pages", "too_complex",
"invalid_json". `detail` is for the log only, never shown to the user.

This module deliberately imports neither Django nor the project: it must start fast, and
it must not be able to touch the database or settings.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from typing import Any

# A PDF ends with %%EOF; readers accept it anywhere in the last 1024 bytes (Acrobat does),
# and a file cut short in transfer has lost it. pypdf alone does not notice: without
# strict mode it rebuilds a missing cross-reference table and happily reports the pages.
_EOF_MARKER = b"%%EOF"
_EOF_WINDOW = 1024


def _limit_resources(*, memory_mb: int, cpu_seconds: int) -> None:
    # Set here rather than with subprocess's preexec_fn, which is unsafe in a parent that
    # runs threads (a threaded gunicorn worker, a Celery pool).
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The parent's timeout is what normally stops a slow check; this one also stops it if
    # the parent itself dies and can no longer kill the child.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # Nothing here has any business writing files, nor leaving a core dump of the upload.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.dont_write_bytecode = True


def _result(**values: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ok": False,
        "pages": None,
        "encrypted": False,
        "error": None,
        "detail": "",
        "line": None,
        "column": None,
    }
    result.update(values)
    return result


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def check_pdf(path: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - _EOF_WINDOW))
        tail = handle.read()
    if _EOF_MARKER not in tail:
        return _result(error="truncated", detail="no %%EOF in the last 1024 bytes")

    # Imported only now, under the limits: a hostile file cannot reach code that ran first.
    from pypdf import PdfReader  # noqa: PLC0415 -- loaded in the child, under its limits

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return _result(encrypted=True, error="encrypted")
        pages = len(reader.pages)
        if pages == 0:
            return _result(pages=0, error="no_pages")
        # Non-strict pypdf leaves a page whose object is lost out of the list, silently;
        # the page tree's own count still tells how many there should be.
        declared = reader.trailer["/Root"]["/Pages"].get("/Count")
        if declared != pages:
            return _result(error="damaged", detail=f"{pages} pages found, {declared} declared")
        for number, page in enumerate(reader.pages, start=1):
            # Resolving each page's box and content reference reaches every object a
            # viewer needs to draw the page, without decompressing the (possibly huge)
            # content streams. Non-strict pypdf answers a missing object with None or a
            # NullObject instead of an exception: that is damage too.
            _ = page.mediabox
            for key in ("/Contents", "/Resources"):
                value = page.get(key)
                if value is not None and _missing(value.get_object()):
                    return _result(error="damaged", detail=f"page {number}: {key} missing")
    except (MemoryError, RecursionError) as exc:
        return _result(error="too_complex", detail=_detail(exc))
    except Exception as exc:  # any parser failure means "cannot be read"
        return _result(error="damaged", detail=_detail(exc))
    return _result(ok=True, pages=pages)


def _missing(value: Any) -> bool:
    from pypdf.generic import NullObject  # noqa: PLC0415 -- loaded in the child, under limits

    return value is None or isinstance(value, NullObject)


def _discard(*_args: Any) -> None:
    # json's hooks build nothing: only the syntax is being checked, and dropping objects
    # and numbers as they are parsed keeps memory near the size of the text.
    return None


def check_json(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            # The parent has already checked that this is UTF-8 (a BOM is allowed).
            text = handle.read().decode("utf-8-sig")
        json.loads(
            text,
            object_pairs_hook=_discard,
            parse_int=_discard,
            parse_float=_discard,
            parse_constant=_discard,
        )
    except json.JSONDecodeError as exc:
        return _result(error="invalid_json", detail=exc.msg, line=exc.lineno, column=exc.colno)
    except (MemoryError, RecursionError) as exc:
        return _result(error="too_complex", detail=_detail(exc))
    except UnicodeDecodeError as exc:
        return _result(error="damaged", detail=_detail(exc))
    return _result(ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m submissions.pdfcheck")
    parser.add_argument("path")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--cpu-seconds", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="check JSON syntax, not a PDF")
    args = parser.parse_args(argv)
    _limit_resources(memory_mb=args.memory_mb, cpu_seconds=args.cpu_seconds)
    result = check_json(args.path) if args.json else check_pdf(args.path)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
