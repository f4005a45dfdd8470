"""Dates and email subjects follow the reader's language: English as the EU institutions
write it, Danish as Django's Danish formats do; the subject prefix is translated."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.services.mail import email_queue_from_templates

WHEN = datetime(2026, 11, 26, 14, 5, tzinfo=ZoneInfo("Europe/Brussels"))
TEMPLATE = Template(
    '{{ when|date:"DATE_FORMAT" }}|{{ when|date:"DATETIME_FORMAT" }}|'
    '{{ when|date:"SHORT_DATE_FORMAT" }}'
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "26 November 2026|26 November 2026, 14:05|26 Nov 2026"),
        ("da", "26. november 2026|26. november 2026 14:05|26.11.2026"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language, expected):
    with translation.override(language):
        assert TEMPLATE.render(Context({"when": WHEN})) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "prefix"),
    [("en", "[GPAI evaluation portal] "), ("da", "[GPAI-evalueringsportalen] ")],
)
def test_the_subject_prefix_is_in_the_recipients_language(language, prefix):
    email = email_queue_from_templates(
        to=["nora@example.org"],
        template_prefix="reviews/email/reminder_late",
        context={
            "submission": type("S", (), {"title": "T"})(),
            "deadline": WHEN,
            "reviewer_timezone": "Europe/Brussels",
            "url": "https://portal.example/",
        },
        language=language,
    )

    assert email.subject.startswith(prefix)
    assert len(email.subject) > len(prefix)
