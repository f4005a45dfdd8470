"""The ZIP of a person's data export: README.txt, data.json and their own files under
files/, written to a temporary file (an export with many uploads would not fit in memory)
in the person's language."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from portal.models import User
from privacy.exports.document import Document, document_build

logger = logging.getLogger(__name__)

COPY_CHUNK = 1024 * 1024


@dataclass
class Archive:
    file: IO[bytes]
    size: int
    files: int
    missing: int


def readme_text(*, user: User, document: Document, missing: list[str]) -> str:
    """What the archive holds, in the person's language (the caller sets it)."""
    expiry_days = settings.DATA_EXPORT_RETENTION_DAYS
    contact = settings.PRIVACY_CONTACT_EMAIL
    paragraphs = [
        _("Your personal data from the GPAI evaluation portal"),
        _("Made on %(date)s for account %(account)s.")
        % {
            "date": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
            "account": user.pk,
        },
        _(
            "This archive is your copy of the personal data the portal holds about you "
            "(your right of access and your right to data portability, Articles 17 and 22 of "
            "Regulation (EU) 2018/1725)."
        ),
        _(
            "data.json holds all of it in one structured file (JSON, UTF-8): grouped by "
            "category (account, organisations, submissions, reviewing, workshop attendance, "
            "work as AI Office staff, emails sent to you, activity log), then by kind of "
            "record, each record with the names of its fields as keys. Dates and times are "
            "in ISO 8601, in UTC. A section that is empty means the portal holds nothing of "
            "that kind about you."
        ),
        _(
            "The folder files/ holds the files you uploaded yourself: submission files "
            "(every version, also those replaced since) and the CV of a reviewer "
            "application. Files that colleagues uploaded to a submission you are the contact "
            "person of are theirs: they are listed by your submission, not copied."
        ),
        _(
            "Not included, by design: secrets (your password, the secrets of your "
            "two-factor authentication and of your API tokens are stored only as "
            "fingerprints, or encrypted, and are never exported), and the identity of other "
            "people (where you acted on someone else's record, the record is listed without "
            "their name or email address)."
        ),
        _(
            "The audit log lists what you did in the portal; long texts and other people's "
            "data appear there only as a fingerprint (sha256) and a length."
        ),
    ]
    if missing:
        paragraphs.append(
            _("These files could not be read when the archive was made: %(files)s.")
            % {"files": ", ".join(missing)}
        )
    paragraphs.append(
        _(
            "The portal keeps this archive for %(days)d days after it was made, then deletes "
            "it. You can make a new one at any time from your profile page."
        )
        % {"days": expiry_days}
    )
    if contact:
        paragraphs.append(
            _("To correct or erase your data, or with any question about it, write to %(email)s.")
            % {"email": contact}
        )
    return "\n\n".join(paragraphs) + "\n"


def _their_time(user: User) -> timezone.override:
    """The README's dates in the person's display time zone, as the pages show them (the
    default zone if theirs is unknown)."""
    try:
        return timezone.override(zoneinfo.ZoneInfo(user.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.override(None)


def archive_build(*, user: User, progress: Callable[[int], None]) -> Archive:
    """The person's archive in a temporary file, positioned at its start."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE), _their_time(user):
        document = document_build(user=user, progress=progress)
        data = json.dumps(document.data, ensure_ascii=False, indent=2, sort_keys=False)
        output = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to the caller, who closes it
        missing: list[str] = []
        try:
            with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("data.json", data.encode("utf-8"))
                total = len(document.files)
                for index, person_file in enumerate(document.files, start=1):
                    try:
                        with (
                            person_file.field_file.open("rb") as source,
                            archive.open(person_file.path, "w", force_zip64=True) as target,
                        ):
                            shutil.copyfileobj(source, target, COPY_CHUNK)
                    except FileNotFoundError:
                        # A file the storage lost: the rest of the export is still owed.
                        logger.warning(
                            "Export of user %s: %s is missing", user.pk, person_file.path
                        )
                        missing.append(person_file.path)
                    progress(80 + int(18 * index / max(total, 1)))
                archive.writestr(
                    "README.txt",
                    readme_text(user=user, document=document, missing=missing).encode("utf-8"),
                )
            size = output.tell()
            output.seek(0)
        except BaseException:
            output.close()
            raise
    return Archive(
        file=output, size=size, files=len(document.files) - len(missing), missing=len(missing)
    )
