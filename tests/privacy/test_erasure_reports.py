"""Erasure leaves every figure of a workshop's reports as it was (required by issue #12).

The reports' workshop (tests/reports/conftest.py: three reviewers, four evaluations, the
figures known by hand) is built into its public summary, internal edition and data
export; a reviewer and an evaluator are erased; the same reports are built again through
the real report service. The public summary's numbers and the data it is built from are
identical; the internal edition and the data export differ only in the erased people's
names, addresses and affiliation.
"""

import dataclasses
import datetime as dt
import re
from collections import Counter

import pytest

from portal.models import Membership
from privacy.services.erasure import account_pseudonymise
from reports import data as report_data
from reports.models import ReportJob
from reviews.models import WorkshopInvitation
from submissions.models import Author, Submission
from tests.factories import MembershipFactory, ReviewerTieFactory, SubmissionFactory, UserFactory
from tests.reports.helpers import build, pdf_text
from tests.reports.test_export_consistency import csv_tables

Kind = ReportJob.Kind
FIXED = dt.datetime(2027, 6, 1, 12, 0, tzinfo=dt.UTC)
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")


@pytest.fixture(autouse=True)
def _fixed_generation_time(monkeypatch):
    # "Generated on <date>" would differ across midnight between the two builds.
    monkeypatch.setattr(report_data.summary, "timezone", type("T", (), {"now": lambda: FIXED}))


@pytest.fixture
def evaluator_of_s1(scored_workshop, member_of):
    """The contact and an author of S1, who also started a draft of their own lab."""
    s1 = scored_workshop["submissions"]["S1"]
    user = UserFactory(email="s1-contact@example.org", full_name="Evelyn Evaluatrix")
    MembershipFactory(organisation=s1.organisation, user=user, role=Membership.Role.ADMIN)
    Submission.objects.filter(pk=s1.pk).update(contact=user)
    Author.objects.create(
        submission=s1, user=user, name="Evelyn Evaluatrix", affiliation="Open Lab"
    )
    WorkshopInvitation.objects.create(
        workshop=scored_workshop["workshop"],
        user=user,
        kind=WorkshopInvitation.Kind.SUBMITTER,
        submission=s1,
        dietary_needs="Vegan",
    )
    solo = MembershipFactory(user=user, role=Membership.Role.ADMIN).organisation
    SubmissionFactory(workshop=scored_workshop["workshop"], organisation=solo, contact=user)
    return user


def _build_all(capture, workshop, staff):
    return {
        kind: build(capture, workshop=workshop, kind=kind, user=staff)
        for kind in (Kind.PUBLIC_SUMMARY, Kind.INTERNAL_EDITION, Kind.SCORES_CSV)
    }


def _annex(data):
    """The internal edition's annex, with reviewer names (what its PDF prints)."""
    return report_data.annex_entries(
        rows=data.rows,
        submissions=data.submissions,
        criteria=[section.criterion for section in data.sections],
        criteria_set=data.criteria_set,
        submission_ids=list(data.submissions),
        with_names=True,
    )


def _renamed(entry, names):
    columns = [dataclasses.replace(c, name=names[c.name]) for c in entry.columns]
    return dataclasses.replace(entry, columns=columns)


def _by_key(rows, key):
    return {row[key]: row for row in rows}


def test_erasing_a_reviewer_and_an_evaluator_changes_no_figure(
    scored_workshop, evaluator_of_s1, staff, django_capture_on_commit_callbacks
):
    workshop = scored_workshop["workshop"]
    reviewer = scored_workshop["reviewers"][0]
    ReviewerTieFactory(user=reviewer, note="Advised Open Lab in 2025")
    WorkshopInvitation.objects.create(
        workshop=workshop,
        user=reviewer,
        kind=WorkshopInvitation.Kind.REVIEWER,
        accessibility_needs="Step-free access",
    )
    data_before = report_data.report_data(workshop=workshop)
    internal_before = report_data.report_data(workshop=workshop, min_group=1)
    annex_before = _annex(internal_before)
    before = _build_all(django_capture_on_commit_callbacks, workshop, staff)
    summary_before = pdf_text(before[Kind.PUBLIC_SUMMARY])
    internal_text_before = pdf_text(before[Kind.INTERNAL_EDITION])
    assert "Rhea Reviewerson" in internal_text_before

    with django_capture_on_commit_callbacks(execute=True):
        erased_reviewer = account_pseudonymise(user=reviewer, by=staff)
        erased_evaluator = account_pseudonymise(user=evaluator_of_s1, by=staff)
    reviewer.refresh_from_db()
    pseudonym = f"Former participant {erased_reviewer.code}"
    assert reviewer.full_name == pseudonym

    after = _build_all(django_capture_on_commit_callbacks, workshop, staff)
    summary_after = pdf_text(after[Kind.PUBLIC_SUMMARY])
    internal_text_after = pdf_text(after[Kind.INTERNAL_EDITION])

    # The public summary: the same text, so the same numbers, and the same data.
    assert NUMBER.findall(summary_after) == NUMBER.findall(summary_before)
    assert summary_after == summary_before
    assert report_data.report_data(workshop=workshop) == data_before
    assert report_data.report_data(workshop=workshop, min_group=1) == internal_before
    annex_after = _annex(internal_before)
    names = {
        "Rhea Reviewerson": pseudonym,
        **{n: n for n in ("Ravi Scorewell", "Rosa Markington")},
    }
    assert [_renamed(entry, names) for entry in annex_before] == annex_after
    assert after[Kind.PUBLIC_SUMMARY].snapshot == before[Kind.PUBLIC_SUMMARY].snapshot
    assert after[Kind.INTERNAL_EDITION].snapshot == before[Kind.INTERNAL_EDITION].snapshot

    # The internal edition: the same figures (a longer name may move a paragraph across a
    # page break, so counted rather than in order); the reviewer's name became the pseudonym.
    assert Counter(NUMBER.findall(internal_text_after)) == Counter(
        NUMBER.findall(internal_text_before)
    )
    assert "Rhea Reviewerson" not in internal_text_after
    assert pseudonym in internal_text_after

    # The data export: every table the same, but the erased people's personal columns.
    tables_before, tables_after = (
        csv_tables(before[Kind.SCORES_CSV]),
        csv_tables(after[Kind.SCORES_CSV]),
    )
    assert tables_after["scores"] == tables_before["scores"]
    assert tables_after["submissions"] == tables_before["submissions"]
    reviewers_before = _by_key(tables_before["reviewers"], "reviewer")
    reviewers_after = _by_key(tables_after["reviewers"], "reviewer")
    assert reviewers_after.keys() == reviewers_before.keys()
    personal = {"name", "email", "affiliation", "rating_note"}
    for code, row in reviewers_before.items():
        changed = {column for column in row if reviewers_after[code][column] != row[column]}
        if row["email"] == "report-reviewer1@example.org":
            assert changed == {"name", "email", "affiliation"}
            assert reviewers_after[code]["name"] == pseudonym
            assert reviewers_after[code]["email"] == f"erased-{erased_reviewer.code}@invalid"
        else:
            assert changed == set()
        assert not (changed - personal)
    attendees_before = tables_before["attendees"]
    attendees_after = tables_after["attendees"]
    assert len(attendees_after) == len(attendees_before) == 2

    # A reviewer's "organisation" is the affiliation they gave, cleared with their name.
    def strip(rows):
        return sorted(
            tuple(
                value
                for column, value in row.items()
                if column not in ("name", "email")
                and not (column == "organisation" and row["kind"] == "reviewer")
            )
            for row in rows
        )

    assert strip(attendees_after) == strip(attendees_before)
    assert {row["kind"]: row["organisation"] for row in attendees_after} == {
        "submitter": "Open Lab",
        "reviewer": "",
    }
    assert {row["email"] for row in attendees_after} == {
        f"erased-{erased_reviewer.code}@invalid",
        f"erased-{erased_evaluator.code}@invalid",
    }


def test_reports_data_is_a_dataclass_compared_field_by_field(scored_workshop):
    # What the test above compares: the builder's input, all of it, by value.
    data = report_data.report_data(workshop=scored_workshop["workshop"])
    assert dataclasses.is_dataclass(data)
    assert data == report_data.report_data(workshop=scored_workshop["workshop"])
