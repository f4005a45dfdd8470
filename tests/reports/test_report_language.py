"""A report renders in the language chosen when its job was started: the catalogue's
headings, the criteria's texts in that language (English, marked, where a criterion has no
translation), and dates and numbers in that language's format. Built through the real path:
the request, the task, WeasyPrint, then the PDF's text read back with pypdf."""

import datetime

import pytest
from django.utils import formats, translation

from criteria.models import CriterionGroupTranslation, CriterionTranslation
from reports.models import ReportJob
from tests.reports.helpers import build, keep_copy, pdf_text

Kind = ReportJob.Kind

GERMAN = {
    "REL-1": ("Relevanz für systemische Risiken", "Zielt die Bewertung auf ein Risiko?"),
    "VAL-1": ("Interne Validität", "Kann man den Ergebnissen vertrauen?"),
}


@pytest.fixture
def german_workshop(scored_workshop):
    """The scored workshop on 5 December 2026, its criteria in German but for ELI-2."""
    workshop = scored_workshop["workshop"]
    workshop.event_date = datetime.date(2026, 12, 5)
    workshop.save(update_fields=["event_date"])
    criteria_set = scored_workshop["criteria_set"]
    for criterion in criteria_set.criteria.all():
        if criterion.code in GERMAN:
            title, description = GERMAN[criterion.code]
            CriterionTranslation.objects.create(
                criterion=criterion,
                language="de",
                title=title,
                description=description,
                guidance="Achten Sie auf die Begründung.",
                levels=[
                    {"level": item["level"], "descriptor": f"Stufe {item['level']}"}
                    for item in criterion.levels
                ],
                source_digest=criterion.source_digest(),
            )
    for group in criteria_set.groups.all():
        CriterionGroupTranslation.objects.create(
            group=group,
            language="de",
            title=f"Gruppe {group.code}",
            source_digest=group.source_digest(),
        )
    return scored_workshop


def _build(capture, workshop, staff, language, kind=Kind.PUBLIC_SUMMARY, **extra):
    job = build(
        capture,
        workshop=workshop,
        kind=kind,
        params={"language": language, **extra},
        user=staff,
    )
    keep_copy(job, f"{kind}-{language}.pdf")
    return job


def test_public_summary_in_german(german_workshop, staff, django_capture_on_commit_callbacks):
    job = _build(django_capture_on_commit_callbacks, german_workshop["workshop"], staff, "de")
    text = pdf_text(job)
    # Headings from the catalogue.
    for heading in ("Inhalt", "Kurzfassung", "Ergebnisse pro Kriterium", "Datum des Workshops"):
        assert heading in text
    assert "Results per criterion" not in text
    # The criteria in German; ELI-2 has no German text: English, marked.
    assert "REL-1 Relevanz für systemische Risiken" in text
    assert "VAL-1 Interne Validität" in text
    assert "Zielt die Bewertung auf ein Risiko?" in text
    assert "ELI-2 Mitigation robustness (Englisch: noch nicht übersetzt)" in text
    assert "Systemic-risk relevance" not in text
    # A German date, and REL-1's mean of 2.67 with a decimal comma.
    assert "5. Dezember 2026" in text
    assert "2,67" in text
    assert "2.67" not in text


def test_the_same_report_in_english_and_french(
    german_workshop, staff, django_capture_on_commit_callbacks
):
    english = pdf_text(
        _build(django_capture_on_commit_callbacks, german_workshop["workshop"], staff, "en")
    )
    assert "REL-1 Systemic-risk relevance" in english
    assert "not yet translated" not in english
    assert "5 December 2026" in english
    assert "2.67" in english
    french = pdf_text(
        _build(django_capture_on_commit_callbacks, german_workshop["workshop"], staff, "fr")
    )
    # No French texts in this set: every criterion in English, marked; French formats.
    assert "REL-1 Systemic-risk relevance (Anglais" in french
    assert "5 décembre 2026" in french
    assert "2,67" in french


def test_feedback_report_in_german(german_workshop, staff, django_capture_on_commit_callbacks):
    submission = german_workshop["submissions"]["S1"]
    job = build(
        django_capture_on_commit_callbacks,
        workshop=german_workshop["workshop"],
        kind=Kind.FEEDBACK,
        params={"language": "de", "organisation": submission.organisation.code},
        user=staff,
        organisation=submission.organisation,
    )
    keep_copy(job, "feedback-de.pdf")
    text = pdf_text(job)
    assert "REL-1 Relevanz für systemische Risiken" in text
    assert "ELI-2 Mitigation robustness (Englisch: noch nicht übersetzt)" in text


@pytest.mark.parametrize(
    ("language", "date", "number"),
    [
        ("en", "5 December 2026", "1234.5"),
        ("da", "5. december 2026", "1234,5"),
        ("fr", "5 décembre 2026", "1234,5"),
        ("de", "5. Dezember 2026", "1234,5"),
    ],
)
def test_formats_per_language(language, date, number):
    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 12, 5)) == date
        assert formats.number_format(1234.5, 1) == number
