"""Reading a spreadsheet export (CSV or XLSX) into a header row and data rows.

Survey tools export in whatever encoding and delimiter the operator's locale suggested:
EU Survey writes UTF-8 (with or without a byte-order mark) or UTF-16 LE with a BOM, and a
file opened and saved again in Excel on Windows comes back in Windows-1252 with
semicolons. The encoding is detected from the BOM, then by trying UTF-8 strictly, then
Windows-1252 (which decodes almost every byte) and Latin-1 (which decodes every byte).

Cells are never evaluated: an XLSX is opened with the formulas as text, and callers treat
a cell that starts like a formula as text (see `looks_like_formula`).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@")
# Excel's limit on the number of rows; a larger sheet is not a survey export.
MAX_ROWS = 1_048_576
# What the parts of an XLSX may unpack to together. A real export compresses about ten to
# one; a few megabytes of repeated XML can unpack to gigabytes of rows held in memory (a
# zip bomb), so a workbook claiming more is refused before it is opened.
XLSX_MAX_UNPACKED_BYTES = 256 * 1024 * 1024

logger = logging.getLogger(__name__)
_SNIFF_BYTES = 64 * 1024


@dataclass
class Table:
    headers: list[str]
    # Each row as a list of cells, as long as `headers`: str, datetime/date, number or "".
    rows: list[list] = field(default_factory=list)
    # The spreadsheet row number (1-based, as the operator sees it) of each row.
    line_numbers: list[int] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was decoded from."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name), name
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    sample = data[:_SNIFF_BYTES]
    if sample and sample.count(b"\x00") > len(sample) // 4:
        name = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            pass
    for name in ("utf-8", "cp1252"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header line into most columns,
    counted outside quotes."""
    first_line = []
    quoted = False
    for char in text[:_SNIFF_BYTES]:
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            if first_line:
                break
            continue
        first_line.append(char)
    line = "".join(first_line)
    counts = {d: _count_outside_quotes(line, d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _clean_header(value) -> str:
    return " ".join(str(value if value is not None else "").replace("\x00", "").split())


def _clean_cell(cell):
    # PostgreSQL refuses NUL in text and in jsonb (the preview): it never means anything
    # in a survey answer.
    if cell is None:
        return ""
    return cell.replace("\x00", "") if isinstance(cell, str) else cell


def _is_empty(cells: list) -> bool:
    return all(cell in ("", None) or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _finish(raw_rows: list[tuple[int, list]], *, encoding: str = "", delimiter: str = "") -> Table:
    """The first non-empty row is the header; every other row is padded to its width."""
    while raw_rows and _is_empty(raw_rows[0][1]):
        raw_rows.pop(0)
    if not raw_rows:
        raise ValidationError(_("The file has no header row: it is empty."))
    headers = [_clean_header(cell) for cell in raw_rows[0][1]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ValidationError(_("The file has no header row: it is empty."))
    table = Table(headers=headers, encoding=encoding, delimiter=delimiter)
    width = len(headers)
    for number, cells in raw_rows[1:]:
        cells = [_clean_cell(cell) for cell in cells[:width]]
        cells += [""] * (width - len(cells))
        table.rows.append(cells)
        table.line_numbers.append(number)
    return table


def read_csv(data: bytes) -> Table:
    text, encoding = decode_bytes(data)
    text = text.lstrip("\ufeff")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw_rows = []
    try:
        for cells in reader:
            if reader.line_num > MAX_ROWS:
                raise ValidationError(_("The file has more rows than a spreadsheet can hold."))
            raw_rows.append((reader.line_num, list(cells)))
    except csv.Error as error:
        raise ValidationError(
            _("The file could not be read as CSV (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return _finish(raw_rows, encoding=encoding, delimiter=delimiter)


def _xlsx_cell(value):
    if isinstance(value, datetime | date | time | int | float):
        return value
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def read_xlsx(handle: IO[bytes]) -> Table:
    import openpyxl  # noqa: PLC0415 -- large; only imports of XLSX files need it
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415 -- as above

    def unreadable(error) -> ValidationError:
        return ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx): %(error)s")
            % {"error": str(error)[:300] or type(error).__name__}
        )

    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise unreadable(error) from None
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise ValidationError(
            _(
                "The workbook would unpack to more than %(limit)d MB: it is not a survey "
                "export. Export the results as CSV instead."
            )
            % {"limit": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    handle.seek(0)
    try:
        # data_only=False: a formula comes back as its text ("=A1+1"), never evaluated
        # nor replaced by a value cached by whoever saved the file.
        book = openpyxl.load_workbook(handle, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError, EOFError) as error:
        raise unreadable(error) from None
    except Exception as error:  # noqa: BLE001 - a damaged workbook fails in many ways
        logger.info("Unreadable workbook", exc_info=True)
        raise unreadable(error) from None
    try:
        if not book.worksheets:
            raise ValidationError(_("The workbook has no sheet."))
        sheet = book.worksheets[0]
        raw_rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                break
            raw_rows.append((number, [_xlsx_cell(cell) for cell in cells]))
    except ValidationError:
        raise
    except Exception as error:  # noqa: BLE001 - broken sheet XML, bad cell references, ...
        logger.info("Unreadable worksheet", exc_info=True)
        raise unreadable(error) from None
    finally:
        book.close()
    return _finish(raw_rows)


def read_table(handle: IO[bytes], *, name: str) -> Table:
    """Read a CSV or XLSX file, told apart by its content (an XLSX is a ZIP)."""
    handle.seek(0)
    head = handle.read(4)
    handle.seek(0)
    if head.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return read_xlsx(handle)
    return read_csv(handle.read())


def looks_like_formula(value) -> bool:
    """A text cell a spreadsheet would run as a formula. A plain negative or signed number
    ("-5", "+3.2") is not one."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(value.replace(",", "."))
    except ValueError:
        return True
    return False
