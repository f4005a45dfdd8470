"""The parameters of a report job: validated, normalised, hashed.

Two requests that mean the same report must give the same hash (that is how a second click
on "generate" finds the job the first click queued), so every field gets its default and
its canonical type here, before hashing.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.models import Organisation
from reports.data import BASES, BASIS_INDIVIDUAL
from reports.models import ReportJob

Kind = ReportJob.Kind

EXPORT_KINDS = (Kind.SCORES_CSV, Kind.SCORES_XLSX, Kind.ARCHIVE_JSON)


def _language(value) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    value = value or settings.LANGUAGE_CODE
    if value not in codes:
        raise ValidationError({"language": _("Choose one of the portal's languages.")})
    return value


def _version(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {"criteria_set_version": _("The criteria-set version must be a whole number.")}
        ) from None
    if version < 1:
        raise ValidationError(
            {"criteria_set_version": _("The criteria-set version must be a whole number.")}
        )
    return version


def _basis(value) -> str:
    value = value or BASIS_INDIVIDUAL
    if value not in BASES:
        raise ValidationError(
            {"basis": _("Count either the individual reviews or the consolidated assessments.")}
        )
    return value


def report_params_normalise(
    *, kind: str, params: dict | None, organisation: Organisation | None = None
) -> dict:
    """The canonical params of a job of `kind` (unknown keys are dropped)."""
    params = dict(params or {})
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of report."))
    if kind == Kind.FEEDBACK:
        if organisation is None:
            raise ValidationError(_("A feedback report is for one organisation."))
        return {
            "organisation": organisation.code,
            "criteria_set_version": _version(params.get("criteria_set_version")),
            "language": _language(params.get("language")),
        }
    if organisation is not None:
        raise ValidationError(_("Only feedback reports are for one organisation."))
    if kind in (Kind.PUBLIC_SUMMARY, Kind.INTERNAL_EDITION):
        normalised = {
            "include_ai_office_only": params.get("include_ai_office_only") is True,
            "criteria_set_version": _version(params.get("criteria_set_version")),
            "language": _language(params.get("language")),
        }
        # Only when not the default: the jobs made before the basis existed keep their hash.
        basis = _basis(params.get("basis"))
        if basis != BASIS_INDIVIDUAL:
            normalised["basis"] = basis
        return normalised
    return {}


def report_params_hash(params: dict) -> str:
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
