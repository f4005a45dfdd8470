"""Data exports for staff: CSV (four tables in a ZIP), XLSX (one sheet per table) and a JSON
archive of the whole workshop. Built by the worker, downloaded through the permission-
checked report download.

The tables are the same rows in every format: scores in long form (one row per reviewer
and criterion: submission, reviewer code, criterion, version, level, tag, confidence),
submissions, reviewers with their load and rating, attendees. Only submitted reviews are
exported, as in the PDFs, so a mean computed from the scores table equals the PDF's.
Every text cell is formula-injection safe, in XLSX as in CSV: `csv_safe` prefixes a cell
that a spreadsheet would run with an apostrophe, so both formats hold the same text and
XLSX stores it as a string, never as a formula. The JSON archive keeps values as typed: it
is for programs, not spreadsheets.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, When
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion
from portal.csv import Echo, csv_safe
from portal.models import Workshop
from reports.jobs.types import BuildResult
from reports.models import CriterionNote, QuoteSelection, ReportJob, WorkshopSummary
from reviews.models import CriterionScore, Review, ReviewerApplication
from reviews.selectors.aggregates import reviewers_for_rating
from reviews.workshop_invitations.selectors import invitations_for_staff
from submissions.models import Submission

Kind = ReportJob.Kind


@dataclass
class Table:
    name: str
    header: list[str]
    rows: Iterable[list]


def _reviewer_codes(workshop: Workshop) -> dict[int, str]:
    return dict(
        ReviewerApplication.objects.filter(workshop=workshop).values_list("user_id", "code")
    )


def score_rows(*, workshop: Workshop) -> Iterator[list]:
    codes = _reviewer_codes(workshop)
    qs = (
        CriterionScore.objects.filter(
            review__assignment__workshop=workshop, review__state=Review.State.SUBMITTED
        )
        .order_by("review__assignment__submission__code", "criterion__criteria_set__version")
        .values_list(
            "review__assignment__submission__code",
            "review__assignment__submission__confidentiality",
            "review__assignment__reviewer_id",
            "review__code",
            "criterion__code",
            "criterion__criteria_set__version",
            "level",
            "not_applicable",
            "tag",
            "review__confidence",
        )
    )
    for (
        submission,
        confidentiality,
        reviewer_id,
        review,
        criterion,
        version,
        level,
        na,
        tag,
        confidence,
    ) in qs.iterator(chunk_size=2000):
        yield [
            submission,
            codes.get(reviewer_id, ""),
            review,
            criterion,
            version,
            "" if level is None else level,
            "yes" if na else "no",
            tag,
            "" if confidence is None else confidence,
            confidentiality,
        ]


def _scores(workshop: Workshop) -> Table:
    return Table(
        "scores",
        [
            "submission",
            "reviewer",
            "review",
            "criterion",
            "version",
            "level",
            "not_applicable",
            "tag",
            "confidence",
            "confidentiality",
        ],
        score_rows(workshop=workshop),
    )


def _submissions(workshop: Workshop) -> Table:
    submissions = (
        Submission.objects.filter(workshop=workshop)
        .exclude(state=Submission.State.DRAFT)
        .select_related("organisation", "provider")
        .prefetch_related("risk_areas")
        .order_by("title", "pk")
    )
    return Table(
        "submissions",
        [
            "submission",
            "title",
            "state",
            "organisation",
            "organisation_type",
            "country",
            "provider",
            "model",
            "confidentiality",
            "summary_consent",
            "risk_areas",
            "submitted_at",
        ],
        (
            [
                s.code,
                s.title,
                s.state,
                s.organisation.name,
                s.organisation.type,
                str(s.organisation.country),
                s.provider.name if s.provider_id else "",
                s.model_name,
                s.confidentiality,
                s.summary_consent,
                # Codes, as the heatmap of the PDFs groups by them.
                ";".join(sorted(area.code for area in s.risk_areas.all())),
                s.submitted_at.isoformat() if s.submitted_at else "",
            ]
            for s in submissions.iterator(chunk_size=500)
        ),
    )


def _reviewers(workshop: Workshop) -> Table:
    return Table(
        "reviewers",
        [
            "reviewer",
            "name",
            "email",
            "affiliation",
            "assignments",
            "submitted_reviews",
            "mean_confidence",
            "rating",
            "rating_note",
            "invitation",
        ],
        (
            [
                r.application_code or "",
                r.full_name,
                r.email,
                r.affiliation or "",
                r.assignment_count,
                r.submitted_count,
                "" if r.mean_confidence is None else round(r.mean_confidence, 2),
                "" if r.rating is None else r.rating,
                r.rating_note or "",
                r.invitation_state or "",
            ]
            # Also reviewers erased since: their scores are in the scores table.
            for r in reviewers_for_rating(workshop=workshop, include_inactive=True)
        ),
    )


def _attendees(workshop: Workshop) -> Table:
    return Table(
        "attendees",
        ["name", "email", "kind", "state", "organisation", "submission", "invited_at"],
        (
            [
                i.user.full_name,
                i.user.email,
                i.kind,
                i.state,
                (
                    i.submission.organisation.name
                    if i.submission_id
                    else (getattr(i, "affiliation", "") or "")
                ),
                i.submission.code if i.submission_id else "",
                i.created_at.isoformat(),
            ]
            for i in invitations_for_staff(workshop=workshop).iterator(chunk_size=500)
        ),
    )


def tables(*, workshop: Workshop) -> list[Table]:
    """The four tables, in the order every format writes them; rows are read as they are
    written."""
    return [_scores(workshop), _submissions(workshop), _reviewers(workshop), _attendees(workshop)]


def csv_zip(*, workshop: Workshop) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables(workshop=workshop):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(table.header)
            for row in table.rows:
                writer.writerow([csv_safe(value) for value in row])
            archive.writestr(f"{table.name}.csv", text.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


def xlsx(*, workshop: Workshop) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 -- heavy: needed for XLSX exports only

    # write_only keeps memory flat however many score rows there are.
    book = Workbook(write_only=True)
    for table in tables(workshop=workshop):
        sheet = book.create_sheet(table.name)
        sheet.append(table.header)
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value):
    # Numbers stay numbers. The apostrophe csv_safe puts before "=" also keeps openpyxl from
    # storing the text as a formula, which it does with any string that starts with "=".
    return csv_safe(value) if isinstance(value, str) else value


def archive_json(*, workshop: Workshop) -> bytes:
    """The whole workshop as one JSON document, for archiving."""
    sets = CriteriaSet.objects.filter(workshop=workshop).order_by("version")
    criteria = Criterion.objects.filter(criteria_set__workshop=workshop).order_by(
        "criteria_set__version", "group__position", "position", "pk"
    )
    summary = WorkshopSummary.objects.filter(workshop=workshop).first()
    document = {
        "format": "gpai-portal-workshop-archive",
        "version": 1,
        "exported_at": timezone.now(),
        "workshop": {
            "code": workshop.code,
            "title": workshop.title,
            "description": workshop.description,
            "venue": workshop.venue,
            "event_date": workshop.event_date,
            "submission_opens_at": workshop.submission_opens_at,
            "submission_closes_at": workshop.submission_closes_at,
            "review_deadline": workshop.review_deadline,
        },
        "criteria_sets": [
            {
                "version": s.version,
                "title": s.title,
                "frozen_at": s.frozen_at,
                "criteria": [
                    {
                        "code": c.code,
                        "title": c.title,
                        "description": c.description,
                        "levels": c.levels,
                        "allow_na": c.allow_na,
                    }
                    for c in criteria
                    if c.criteria_set_id == s.pk
                ],
            }
            for s in sets
        ],
        "summary": {
            "executive_summary_md": summary.executive_summary_md if summary else "",
            "insights_md": summary.insights_md if summary else "",
            "criterion_notes": dict(
                CriterionNote.objects.filter(workshop=workshop).values_list(
                    "criterion_code", "notes_md"
                )
            ),
            # The text as the summary prints it: the staff's edit if there is one.
            "quotes": list(
                QuoteSelection.objects.filter(workshop=workshop)
                .order_by("position", "pk")
                .values(
                    review=F("score__review__code"),
                    criterion=F("score__criterion__code"),
                    edited=ExpressionWrapper(~Q(edited_text=""), output_field=BooleanField()),
                    printed_text=Case(
                        When(edited_text="", then=F("score__justification")),
                        default=F("edited_text"),
                    ),
                )
            ),
        },
    }
    for table in tables(workshop=workshop):
        document[table.name] = [dict(zip(table.header, row, strict=True)) for row in table.rows]
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def build_export(*, job: ReportJob, progress, file_stem: str) -> BuildResult:
    workshop = job.workshop
    progress(10)
    if job.kind == Kind.SCORES_CSV:
        content, name, content_type = csv_zip(workshop=workshop), ".zip", "application/zip"
    elif job.kind == Kind.SCORES_XLSX:
        content = xlsx(workshop=workshop)
        name = ".xlsx"
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, name, content_type = archive_json(workshop=workshop), ".json", "application/json"
    progress(95)
    reviews = Review.objects.filter(assignment__workshop=workshop, state=Review.State.SUBMITTED)
    return BuildResult(
        content=content,
        file_name=file_stem + name,
        content_type=content_type,
        snapshot={
            "evaluations": reviews.values("assignment__submission").distinct().count(),
            "reviewers": reviews.values("assignment__reviewer").distinct().count(),
            "reviews": reviews.count(),
            "generated_at": timezone.now().isoformat(),
        },
    )


# --- one table at a time (the API's exports) -------------------------------------------------

TABLE_NAMES = ("scores", "submissions", "reviewers", "attendees")


def table(*, workshop: Workshop, name: str) -> Table:
    """One of the four tables, by name (KeyError for any other)."""
    builders = {
        "scores": _scores,
        "submissions": _submissions,
        "reviewers": _reviewers,
        "attendees": _attendees,
    }
    return builders[name](workshop)


def table_csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV lines, formula-safe as in csv_zip, for a streamed response."""
    writer = csv.writer(Echo())
    yield writer.writerow(table.header)
    for row in table.rows:
        yield writer.writerow([csv_safe(value) for value in row])


def table_xlsx(table: Table) -> bytes:
    """The table as a one-sheet workbook, formula-safe as in xlsx."""
    from openpyxl import Workbook  # noqa: PLC0415 -- heavy: needed for XLSX exports only

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name)
    sheet.append(table.header)
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_json_chunks(table: Table) -> Iterator[str]:
    """The table as a JSON array of objects, values as typed (as in archive_json)."""
    yield "["
    for index, row in enumerate(table.rows):
        item = json.dumps(
            dict(zip(table.header, row, strict=True)), cls=DjangoJSONEncoder, ensure_ascii=False
        )
        yield ("\n" if index == 0 else ",\n") + item
    yield "\n]\n"
