"""Reads for imports."""

from __future__ import annotations

from portal.models import Workshop

from .models import SurveyMapping
from .surveys import headers_fingerprint, normalise_header, question_headers


def survey_mapping_for(
    *, workshop: Workshop, target: str, headers: list[str], alias: str = ""
) -> tuple[SurveyMapping | None, str]:
    """The mapping saved for this survey, and how it was found: "alias" (staff named the
    survey), "fingerprint" (same set of questions), "columns" (the newest mapping whose
    mapped columns are all in this export: the survey gained or lost a question), or
    (None, "")."""
    mappings = SurveyMapping.objects.filter(workshop=workshop, target=target)
    alias = " ".join(alias.split())
    if alias:
        found = mappings.filter(alias__iexact=alias).first()
        if found is not None:
            return found, "alias"
    found = mappings.filter(fingerprint=headers_fingerprint(headers)).first()
    if found is not None:
        return found, "fingerprint"
    present = {normalise_header(h) for h in question_headers(headers)}
    for candidate in mappings.order_by("-updated_at"):
        mapped = {normalise_header(h) for h, f in candidate.mapping.items() if f}
        if mapped and mapped <= present:
            return candidate, "columns"
    return None, ""
