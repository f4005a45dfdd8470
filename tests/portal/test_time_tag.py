"""`time_tag` (portal/templatetags/portal_time.py) gives the markup the three `date`
filters gave, in every time zone and language, summer and winter time included."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone, translation

THREE_FILTERS = (
    '<time datetime="{{ moment|date:\'c\' }}">{{ moment|date:"%(f)s" }} '
    '{{ moment|date:"T" }}</time>'
)
ONE_FILTER = '{%% load portal_time %%}{{ moment|time_tag:"%(f)s" }}'


@pytest.mark.parametrize("zone", ["UTC", "Europe/Brussels", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("shape", ["SHORT_DATETIME_FORMAT", "DATETIME_FORMAT"])
def test_same_markup_as_the_date_filters(zone, language, shape):
    engine = engines["django"]
    old = engine.from_string(THREE_FILTERS % {"f": shape})
    new = engine.from_string(ONE_FILTER % {"f": shape})
    moments = [
        datetime(2026, 1, 15, 23, 30, tzinfo=UTC),  # winter; the next day in Kolkata
        datetime(2026, 7, 1, 8, 5, tzinfo=UTC),  # summer time in Brussels and New York
    ]
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        for moment in moments:
            expected = old.render({"moment": moment})
            assert new.render({"moment": moment}) == expected
            assert moment.astimezone(ZoneInfo(zone)).isoformat() in expected


def test_default_shape_is_short_and_nothing_for_no_moment():
    engine = engines["django"]
    short = engine.from_string("{% load portal_time %}{{ moment|time_tag }}")
    explicit = engine.from_string(ONE_FILTER % {"f": "SHORT_DATETIME_FORMAT"})
    moment = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert short.render({"moment": moment}) == explicit.render({"moment": moment})
    assert short.render({"moment": None}) == ""
