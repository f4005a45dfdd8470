"""The submission as a reviewer may see it: no identity in an anonymous workshop,
neutral file names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Subquery
from django.http import Http404
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.languages import EU_LANGUAGES
from reviews.models import (
    Assignment,
)
from submissions.models import Submission, SubmissionFile, SubmissionVersion
from submissions.models.taxonomy import LABELS as TAXONOMY_LABELS


@dataclass(frozen=True)
class ReviewerFile:
    code: str
    name: str  # what the page shows and the download is called
    kind_label: str
    size: int


@dataclass(frozen=True)
class ReviewerSubmission:
    """What a reviewer may see of a submission: its latest submitted version.

    `identity` (organisation, authors, contact, conflict-of-interest details) is empty
    in an anonymous workshop; nothing else here names the submitters.
    """

    title: str
    anonymous: bool
    version_number: int | None
    submitted_at: datetime | None
    details: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    identity: list[tuple[str, str]] = field(default_factory=list)
    files: list[ReviewerFile] = field(default_factory=list)


def _label(name: str) -> str:
    # capfirst, not str.capitalize: that lowercases the rest, and German writes its nouns
    # with a capital ("Art der Version", not "Art der version").
    return capfirst(str(Submission._meta.get_field(name).verbose_name))


def _choice(name: str, value) -> str:
    choices = dict(Submission._meta.get_field(name).choices or [])
    return str(choices.get(value, value)) if value else ""


def _as_date(value) -> str:
    """An ISO date from a version's metadata, formatted for the active language."""
    if not value:
        return ""
    try:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def submission_latest_version(*, submission: Submission) -> SubmissionVersion | None:
    """The version reviewers review: the last one submitted, with its files."""
    return (
        SubmissionVersion.objects.filter(submission=submission)
        .order_by("-number")
        .prefetch_related("files")
        .first()
    )


def reviewer_file_name(*, file: SubmissionFile, anonymous: bool) -> str:
    """File names often carry the organisation or an author's name: an anonymous workshop
    gets a neutral one, with the original extension."""
    if not anonymous:
        return file.original_name
    extension = file.original_name.rpartition(".")[2].lower() if "." in file.original_name else ""
    stem = "main-document" if file.kind == SubmissionFile.Kind.MAIN else f"supplement-{file.code}"
    return f"{stem}.{extension}" if extension else stem


def _details(meta: dict) -> list[tuple[str, str]]:
    """What was evaluated and how, from a version's metadata; nothing names the submitters."""
    access_flags = ("access_logits", "access_chain_of_thought", "access_fine_tuning")
    access = [_label(name) for name in (*access_flags, "access_activations") if meta.get(name)]
    access_level = ", ".join(
        filter(None, [_choice("access_level", meta.get("access_level")), *access])
    )
    methods = [str(TAXONOMY_LABELS.get(code, code)) for code in meta.get("methods", [])]
    if meta.get("methods_other"):
        methods.append(meta["methods_other"])
    start, end = _as_date(meta.get("evaluation_start")), _as_date(meta.get("evaluation_end"))
    details: list[tuple[str, str]] = [
        (_("Model provider"), meta.get("provider", "")),
        (_("Model"), " ".join(filter(None, [meta.get("model_name"), meta.get("model_version")]))),
        (_label("model_version_date"), _as_date(meta.get("model_version_date"))),
        (_label("version_type"), _choice("version_type", meta.get("version_type"))),
        (_label("release_channel"), _choice("release_channel", meta.get("release_channel"))),
        (_label("access_level"), access_level),
        (
            _("Risk areas"),
            ", ".join(str(TAXONOMY_LABELS.get(c, c)) for c in meta.get("risk_areas", [])),
        ),
        (_("Methods"), ", ".join(methods)),
        (_("Evaluation period"), f"{start} – {end}" if start or end else ""),
        (_label("stage"), _choice("stage", meta.get("stage"))),
        (_label("artefacts"), _choice("artefacts", meta.get("artefacts"))),
        (_label("confidentiality"), _choice("confidentiality", meta.get("confidentiality"))),
        (_label("language"), str(dict(EU_LANGUAGES).get(meta.get("language"), ""))),
        (_label("keywords"), meta.get("keywords", "")),
    ]
    if meta.get("info_hazard"):
        details.append((_label("info_hazard"), _("Yes")))
    return details


def _identity(submission: Submission, meta: dict) -> list[tuple[str, str]]:
    """Who submitted: organisation, authors, contact person, ties and conflicts."""
    tie_labels = dict(Submission.ProviderTie.choices)
    ties = [str(tie_labels.get(tie, tie)) for tie in meta.get("provider_ties", [])]
    contact = submission.contact
    return [
        (_("Organisation"), submission.organisation.name),
        (
            _("Authors"),
            "; ".join(
                f"{a['name']} ({a['affiliation']})" if a.get("affiliation") else a["name"]
                for a in meta.get("authors", [])
            ),
        ),
        (
            _("Contact person"),
            f"{contact.full_name} ({contact.email})" if contact.full_name else contact.email,
        ),
        (_label("provider_ties"), ", ".join(ties)),
        (_label("conflict_statement"), meta.get("conflict_statement", "")),
    ]


def _files(version: SubmissionVersion | None, *, anonymous: bool) -> list[ReviewerFile]:
    if version is None:
        return []
    return [
        ReviewerFile(
            code=file.code,
            name=reviewer_file_name(file=file, anonymous=anonymous),
            kind_label=str(file.get_kind_display()),
            size=file.size,
        )
        for file in sorted(version.files.all(), key=lambda f: (f.kind != "main", f.uploaded_at))
    ]


def submission_for_reviewer(*, assignment: Assignment) -> ReviewerSubmission:
    """The submission of an assignment the reviewer may see (assignment_get_for_reviewer),
    from its latest submitted version; identity only when the workshop is not anonymous."""
    submission = assignment.submission
    anonymous = assignment.workshop.anonymous_review
    version = submission_latest_version(submission=submission)
    meta = version.metadata if version is not None else {}
    texts = [
        (_label(name), meta.get(name, ""))
        for name in (
            "abstract",
            "threat_scenario",
            "elicitation",
            "results_summary",
            "relevance_statement",
        )
    ]
    identity = [] if anonymous else _identity(submission, meta)
    return ReviewerSubmission(
        title=meta.get("title", submission.title),
        anonymous=anonymous,
        version_number=version.number if version is not None else None,
        submitted_at=version.created_at if version is not None else None,
        details=[(label, value) for label, value in _details(meta) if value],
        texts=[(label, value) for label, value in texts if value],
        identity=[(label, value) for label, value in identity if value],
        files=_files(version, anonymous=anonymous),
    )


def submission_file_for_reviewer(*, assignment: Assignment, file_code: str) -> SubmissionFile:
    """A file of the latest submitted version, or 404: older versions, the working copy
    and other submissions' files are not the reviewer's to download."""
    latest = (
        SubmissionVersion.objects.filter(submission=assignment.submission_id)
        .order_by("-number")
        .values("pk")[:1]
    )
    file = SubmissionFile.objects.filter(
        submission=assignment.submission_id, code=file_code, versions=Subquery(latest)
    ).first()
    if file is None:
        raise Http404
    return file
