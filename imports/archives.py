"""The files that come with an import: a ZIP archive staff upload beside the export (or a
folder, which the management command packs into one).

The archive is as untrusted as any upload, and more dangerous: its member names can climb
out of a folder (“../../settings.py”, “/etc/passwd”), a member can be a symbolic link, and
a few kilobytes can unpack to terabytes. So the archive is refused, unread, when any
member name is absolute or climbs, when any member is a link or encrypted, when it has
more than IMPORT_ARCHIVE_MAX_ENTRIES members, or when its members claim more than
IMPORT_ARCHIVE_MAX_UNPACKED_MB together; reading a member never yields more bytes than it
claimed (zipfile stops there). Nothing is ever extracted to a path taken from the archive:
a member is copied to an anonymous temporary file, and from there it goes through exactly
the checks of a browser upload (submissions.files.file_validate) before anything uses it.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils.translation import gettext as _

from submissions.files import ValidatedFile, file_validate

_CHUNK_SIZE = 64 * 1024
# The central directory is read whole into ZipInfo objects (about half a kilobyte each)
# before any entry can be counted, and its entry count field can lie. So its size is
# checked first: this many bytes per allowed entry is room for long names and extras.
_DIRECTORY_BYTES_PER_ENTRY = 512


def _directory_size(path) -> int | None:
    """The central directory's size in bytes from the end record; None if none is found."""
    # zipfile's own reader of the end record: private, but unchanged for many releases.
    if hasattr(path, "seek"):
        path.seek(0)
        record = zipfile._EndRecData(path)
        path.seek(0)
    else:
        with open(path, "rb") as handle:
            record = zipfile._EndRecData(handle)
    return None if record is None else record[zipfile._ECD_SIZE]


def _member_name(raw: str) -> str | None:
    """The member's path inside the archive, or None for one that points outside it."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return posixpath.join(*parts)


class ImportFiles:
    """A checked ZIP archive: its member names, and each member as a checked upload."""

    def __init__(self, path: str):
        try:
            directory = _directory_size(path)
        except OSError:
            directory = None
        limit = settings.IMPORT_ARCHIVE_MAX_ENTRIES * _DIRECTORY_BYTES_PER_ENTRY
        if directory is not None and directory > limit:
            raise ValidationError(
                _(
                    "The files archive has too many entries (or names too long): at most "
                    "%(limit)d entries are accepted."
                )
                % {"limit": settings.IMPORT_ARCHIVE_MAX_ENTRIES},
                code="too_many_entries",
            )
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise ValidationError(
                _("The files archive is not a ZIP archive, or it is damaged."), code="not_zip"
            ) from None
        try:
            self._members = self._check()
        except BaseException:
            self._zip.close()
            raise
        self._checked: dict[str, ValidatedFile | ValidationError] = {}

    def _check(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > settings.IMPORT_ARCHIVE_MAX_ENTRIES:
            raise ValidationError(
                _("The files archive has %(count)d entries; at most %(limit)d are accepted.")
                % {"count": len(infos), "limit": settings.IMPORT_ARCHIVE_MAX_ENTRIES},
                code="too_many_entries",
            )
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = _member_name(info.filename)
            if name is None:
                raise ValidationError(
                    _(
                        "The files archive was refused: the entry “%(name)s” points outside "
                        "the archive (an absolute path or “..”)."
                    )
                    % {"name": info.filename[:200]},
                    code="unsafe_path",
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ValidationError(
                    _("The files archive was refused: the entry “%(name)s” is a link.")
                    % {"name": name[:200]},
                    code="link",
                )
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise ValidationError(
                    _("The files archive was refused: the entry “%(name)s” is encrypted.")
                    % {"name": name[:200]},
                    code="encrypted",
                )
            if name in members:
                raise ValidationError(
                    _("The files archive was refused: “%(name)s” appears twice in it.")
                    % {"name": name[:200]},
                    code="duplicate",
                )
            total += info.file_size
            if total > settings.IMPORT_ARCHIVE_MAX_UNPACKED_MB * 1024 * 1024:
                raise ValidationError(
                    _("The files archive was refused: it would unpack to more than %(limit)d MB.")
                    % {"limit": settings.IMPORT_ARCHIVE_MAX_UNPACKED_MB},
                    code="too_large",
                )
            members[name] = info
        return members

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ImportFiles:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._members)

    def find(self, *candidates: str) -> str | None:
        """The first candidate name the archive holds."""
        for candidate in candidates:
            name = _member_name(candidate)
            if name is not None and name in self._members:
                return name
        return None

    @contextmanager
    def open(self, name: str) -> Iterator[TemporaryUploadedFile]:
        """The member as an upload (a temporary file, deleted when the block ends)."""
        info = self._members[name]
        upload = TemporaryUploadedFile(
            posixpath.basename(name), "application/octet-stream", info.file_size, None
        )
        try:
            size = 0
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK_SIZE):
                    size += len(chunk)
                    upload.write(chunk)
            upload.size = size
            upload.flush()
            upload.seek(0)
            yield upload
        finally:
            upload.close()

    def validate(self, name: str, *, allowed: frozenset[str]) -> ValidatedFile:
        """file_validate on the member (once per member): raises its ValidationError."""
        known = self._checked.get(name)
        if known is None:
            try:
                with self.open(name) as upload:
                    known = file_validate(upload=upload, allowed=allowed)
            except zipfile.BadZipFile:
                known = ValidationError(
                    _("“%(name)s” could not be unpacked: the archive is damaged.")
                    % {"name": posixpath.basename(name)},
                    code="damaged",
                )
            except ValidationError as error:
                known = error
            self._checked[name] = known
        if isinstance(known, ValidationError):
            raise known
        return known


def import_files_for_path(path: str) -> ImportFiles:
    return ImportFiles(path)


def folder_to_zip(folder: str | os.PathLike) -> Path:
    """Pack a folder (the command's --files) into a temporary ZIP, links refused: the same
    archive checks then apply. The caller deletes the file."""
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError(_("“%(path)s” is not a folder.") % {"path": str(folder)})
    handle, name = tempfile.mkstemp(suffix=".zip", dir=settings.FILE_UPLOAD_TEMP_DIR)
    os.close(handle)
    with zipfile.ZipFile(name, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_symlink():
                raise ValidationError(
                    _("“%(path)s” is a link: links are not followed.") % {"path": str(path)}
                )
            if path.is_file():
                archive.write(path, path.relative_to(root).as_posix())
    return Path(name)
