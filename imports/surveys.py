"""EU Survey exports: which columns are metadata, which portal fields a question can
become, and how a survey is recognised from one export to the next.

An export has one column per question, headed by the question text (sometimes preceded by
its number), plus columns EU Survey adds itself ("Contribution ID", "User name",
"Creation date", ...). A survey is recognised by its fingerprint: a hash of its set of
question headers, normalised (case, spacing and question numbers ignored), so that the
next export of the same survey finds the mapping saved for the previous one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TARGET_SUBMISSIONS = "submissions"
TARGET_APPLICATIONS = "reviewer_applications"
TARGETS = (TARGET_SUBMISSIONS, TARGET_APPLICATIONS)
IGNORE = ""

# Columns EU Survey adds to every export, normalised (see normalise_header).
CONTRIBUTION_ID_HEADERS = ("contribution id", "contribution identifier", "id de contribution")
METADATA_HEADERS = frozenset(
    {
        "user name",
        "creation date",
        "last update",
        "languages",
        "language",
        "invitation number",
        "contribution status",
        "draft id",
        "case id",
        "ticket",
        "published",
        "score",
        "contribution id",
        "contribution identifier",
    }
)

_QUESTION_NUMBER = re.compile(r"^(?:q(?:uestion)?\s*)?\d+(?:[.)]\d+)*[.):]?\s+", re.IGNORECASE)


def normalise_header(header: str) -> str:
    """The header without its question number, spacing and case: "3. Title of the
    evaluation" and "title of the  evaluation" are the same question."""
    text = " ".join(str(header).split())
    text = _QUESTION_NUMBER.sub("", text)
    return text.casefold()


def is_contribution_id(header: str) -> bool:
    return normalise_header(header) in CONTRIBUTION_ID_HEADERS


def is_metadata(header: str) -> bool:
    return normalise_header(header) in METADATA_HEADERS


def question_headers(headers: list[str]) -> list[str]:
    return [h for h in headers if h and not is_metadata(h)]


def headers_fingerprint(headers: list[str]) -> str:
    """SHA-256 of the sorted, normalised question headers: the same survey gives the same
    fingerprint whatever the column order, numbering or spacing of its export."""
    names = sorted({normalise_header(h) for h in question_headers(headers)})
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # lazy translation
    # text, email, url, date, choice, list, authors, organisation, country, provider,
    # languages, integer, file, files
    kind: str
    max_length: int | None = None
    required: bool = False
    # Words in a question header that suggest this field, for the first mapping.
    hints: tuple[str, ...] = ()


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def submission_fields() -> list[Field]:
    from submissions.models import Author, Submission  # noqa: PLC0415 -- apps must be ready

    def text(name, label, hints=(), required=False):
        return Field(name, label, "text", _max_length(Submission, name), required, hints)

    return [
        text("title", _("Title"), ("title",), required=True),
        text("abstract", _("Abstract"), ("abstract", "summary of the evaluation")),
        text("keywords", _("Keywords"), ("keyword",)),
        Field("language", _("Language of the documents"), "choice", hints=("language of",)),
        Field(
            "organisation",
            _("Organisation name"),
            "organisation",
            200,
            True,
            ("organisation", "organization", "institution"),
        ),
        Field(
            "organisation_country",
            _("Organisation country"),
            "country",
            hints=("country", "organisation country", "country of the organisation"),
        ),
        Field("contact_email", _("Contact email"), "email", 254, True, ("email", "e-mail")),
        Field(
            "contact_name",
            _("Contact name"),
            "text",
            200,
            hints=("contact name", "your name", "full name"),
        ),
        Field("authors", _("Authors"), "authors", _max_length(Author, "name"), hints=("author",)),
        Field("provider", _("Model provider"), "provider", 120, hints=("provider",)),
        text("model_name", _("Model name"), ("model name", "model evaluated")),
        text("model_version", _("Model version or snapshot"), ("version or snapshot",)),
        Field("model_version_date", _("Model version date"), "date", hints=("version date",)),
        Field("version_type", _("Version type"), "choice", hints=("version type",)),
        Field("release_channel", _("Release channel"), "choice", hints=("release channel",)),
        Field("access_level", _("Access level"), "choice", hints=("access level",)),
        Field("risk_areas", _("Risk areas"), "list", hints=("risk area", "systemic risk")),
        text("threat_scenario", _("Threat scenario"), ("threat scenario",)),
        Field("methods", _("Evaluation methods"), "list", hints=("method",)),
        text("methods_other", _("Other methods"), ("other method",)),
        text("elicitation", _("Elicitation"), ("elicitation",)),
        Field("evaluation_start", _("Evaluation start"), "date", hints=("start",)),
        Field("evaluation_end", _("Evaluation end"), "date", hints=("end date",)),
        Field("stage", _("Stage"), "choice", hints=("stage",)),
        text("results_summary", _("Results summary"), ("results",)),
        Field("artefacts", _("Artefact availability"), "choice", hints=("artefact", "artifact")),
        Field("confidentiality", _("Confidentiality"), "choice", hints=("confidential",)),
        Field("summary_consent", _("Consent for the public summary"), "choice", hints=("consent",)),
        text("relevance_statement", _("Relevance to systemic risk"), ("relevance",)),
        text("conflict_statement", _("Conflict-of-interest details"), ("conflict",)),
        Field("main_document", _("Main document (PDF)"), "file", hints=("main document",)),
        Field(
            "supplementary_files",
            _("Supplementary files"),
            "files",
            hints=("supplementary",),
        ),
    ]


def application_fields() -> list[Field]:
    from reviews.models import ReviewerApplication  # noqa: PLC0415 -- apps must be ready

    return [
        Field("email", _("Email"), "email", 254, True, ("email", "e-mail")),
        Field("full_name", _("Full name"), "text", 200, hints=("full name", "your name")),
        Field(
            "affiliation",
            _("Affiliation"),
            "text",
            _max_length(ReviewerApplication, "affiliation"),
            True,
            ("affiliation", "organisation", "institution"),
        ),
        Field(
            "statement",
            _("Statement of expertise"),
            "text",
            _max_length(ReviewerApplication, "statement"),
            True,
            ("expertise", "experience", "statement"),
        ),
        Field(
            "cv_link",
            _("Link to the CV"),
            "url",
            _max_length(ReviewerApplication, "cv_link"),
            hints=("link", "orcid"),
        ),
        Field("cv_file", _("CV (PDF)"), "file", hints=("cv", "curriculum")),
        Field("languages", _("Review languages"), "languages", hints=("review in",)),
        Field("max_reviews", _("Maximum number of reviews"), "integer", hints=("how many",)),
        Field("risk_areas", _("Expertise: risk areas"), "list", hints=("risk area",)),
        Field("methods", _("Expertise: evaluation methods"), "list", hints=("method",)),
    ]


def target_fields(target: str) -> list[Field]:
    if target == TARGET_APPLICATIONS:
        return application_fields()
    return submission_fields()


def mapping_for_headers(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """A saved mapping ({header: field}) applied to an export's headers, matched on the
    normalised header text: {header as in this export: field}."""
    by_normalised = {normalise_header(h): f for h, f in mapping.items() if f}
    result = {}
    for header in question_headers(headers):
        field = by_normalised.get(normalise_header(header))
        if field:
            result[header] = field
    return result


def mapping_guess(headers: list[str], target: str) -> dict[str, str]:
    """A first mapping from words in the question headers; staff check it and save it.
    A column goes to the field with the longest hint it contains; each field is given to
    one column at most, the first that mentions it."""
    fields = target_fields(target)
    used: set[str] = set()
    guess = {}
    for header in question_headers(headers):
        text = normalise_header(header)
        best, best_length = None, 0
        for field in fields:
            if field.name in used:
                continue
            length = max((len(h) for h in field.hints if h in text), default=0)
            if length > best_length:
                best, best_length = field, length
        if best is not None:
            guess[header] = best.name
            used.add(best.name)
    return guess
