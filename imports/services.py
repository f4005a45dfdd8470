"""Writes for imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import User, Workshop

from .models import SurveyMapping
from .surveys import TARGETS, headers_fingerprint, question_headers, target_fields


@transaction.atomic
def survey_mapping_save(
    *,
    workshop: Workshop,
    target: str,
    headers: list[str],
    mapping: dict[str, str],
    user: User,
    alias: str = "",
) -> SurveyMapping:
    """Save which column becomes which field for this survey (recognised by the
    fingerprint of `headers`), replacing the mapping saved before for the same survey.
    Columns mapped to "" (ignore) are left out. A field may take one column only."""
    if target not in TARGETS:
        raise ValidationError(_("Unknown import target."))
    known = {field.name for field in target_fields(target)}
    questions = set(question_headers(headers))
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header, field in mapping.items():
        if not field:
            continue
        if header not in questions:
            raise ValidationError(
                _("“%(header)s” is not a question column of this export.") % {"header": header}
            )
        if field not in known:
            raise ValidationError(
                _("“%(field)s” is not a field you can map to.") % {"field": field}
            )
        if field in seen:
            raise ValidationError(
                _("“%(first)s” and “%(second)s” are both mapped to the same field.")
                % {"first": seen[field], "second": header}
            )
        seen[field] = header
        cleaned[header] = field
    alias = " ".join(alias.split())[:200]
    fingerprint = headers_fingerprint(headers)
    saved, _created = SurveyMapping.objects.update_or_create(
        workshop=workshop,
        target=target,
        fingerprint=fingerprint,
        defaults={"mapping": cleaned, "updated_by": user, "alias": alias},
    )
    if alias:
        # An alias names one survey: the mapping saved under it before is this one's now.
        SurveyMapping.objects.filter(workshop=workshop, target=target, alias__iexact=alias).exclude(
            pk=saved.pk
        ).update(alias="")
    return saved
