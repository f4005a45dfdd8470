"""Imports leave their audit events: a run created from its uploads, applied (with the
counts per action), discarded, and a survey's column mapping saved. Never the contents of
a file. A refused or failed step leaves none."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from imports import services
from imports.models import ImportRun
from portal.models import AuditEvent
from tests.audit_support import digest as _digest
from tests.imports.conftest import FIXTURES, notes_bytes, notes_upload, pdfs_upload

pytestmark = pytest.mark.django_db

HEADERS = [
    "Contribution ID",
    "User name",
    "Creation date",
    "1. Title of the evaluation",
    "2. Abstract",
]
LONG_QUESTION = "3. " + "Describe the organisation that carried out the evaluation. " * 5


def _created(workshop, staff, options=None):
    return services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=notes_upload(),
        files_archive=pdfs_upload(),
        options=options,
        user=staff,
    )


def test_import_created(workshop, staff, target_organisation):
    run = _created(workshop, staff, options={"organisation": target_organisation.code})

    event = AuditEvent.objects.get(action="import.created")
    assert (event.actor, event.actor_system) == (staff, "")
    assert (event.object_type, event.object_code) == ("importrun", run.code)
    assert event.workshop_id == workshop.pk
    assert event.details == {
        "source": "openreview",
        "target": "submissions",
        "data_file": "notes.json",
        "data_file_size": len(notes_bytes()),
        "files_archive": True,
        "options": ["organisation"],
    }


def test_a_refused_upload_leaves_no_event(workshop, staff):
    with pytest.raises(ValidationError):
        services.import_run_create(
            workshop=workshop,
            source="openreview",
            data_file=notes_upload(name="notes.exe"),
            user=staff,
        )

    assert not AuditEvent.objects.exists()


def test_import_applied_with_the_counts(workshop, staff, target_organisation):
    run = services.import_run_preview(
        run=_created(workshop, staff, options={"organisation": target_organisation.code})
    )

    run = services.import_run_apply(run=run, user=staff)

    assert run.state == ImportRun.State.APPLIED
    event = AuditEvent.objects.get(action="import.applied")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("importrun", run.code)
    assert event.workshop_id == workshop.pk
    assert event.details == {
        "source": "openreview",
        "target": "submissions",
        "result": {"created": 3, "updated": 0, "skipped": 1, "refused": 7},
        "preview_counts": {"create": 3, "update": 0, "skip": 1, "refuse": 7},
    }


def test_a_failed_apply_leaves_no_event(workshop, staff, target_organisation, monkeypatch):
    run = services.import_run_preview(
        run=_created(workshop, staff, options={"organisation": target_organisation.code})
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("imports.sources.openreview._apply_reviews", broken)
    run = services.import_run_apply(run=run, user=staff)

    assert run.state == ImportRun.State.FAILED
    assert not AuditEvent.objects.filter(action="import.applied").exists()


def test_import_discarded(workshop, staff, target_organisation):
    run = services.import_run_preview(run=_created(workshop, staff))

    services.import_run_discard(run=run, user=staff)

    event = AuditEvent.objects.get(action="import.discarded")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("importrun", run.code)
    assert event.changes == {"state": ["previewed", "discarded"]}
    assert event.details == {"source": "openreview", "target": "submissions"}


def test_discarding_an_applied_import_is_refused_and_leaves_no_event(
    workshop, staff, target_organisation
):
    run = services.import_run_preview(
        run=_created(workshop, staff, options={"organisation": target_organisation.code})
    )
    run = services.import_run_apply(run=run, user=staff)

    with pytest.raises(ValidationError):
        services.import_run_discard(run=run, user=staff)

    assert not AuditEvent.objects.filter(action="import.discarded").exists()


def test_survey_mapping_saved_before_and_after(workshop, staff):
    headers = [*HEADERS, LONG_QUESTION]

    saved = services.survey_mapping_save(
        workshop=workshop,
        target="submissions",
        headers=headers,
        mapping={"1. Title of the evaluation": "title", LONG_QUESTION: "organisation"},
        user=staff,
    )
    services.survey_mapping_save(
        workshop=workshop,
        target="submissions",
        headers=headers,
        mapping={"1. Title of the evaluation": "title", "2. Abstract": "abstract"},
        user=staff,
        alias="call-2025",
    )

    first, second = AuditEvent.objects.filter(action="survey_mapping.saved").order_by("id")
    assert first.actor == staff
    assert (first.object_type, first.object_code) == ("surveymapping", str(saved.pk))
    assert first.workshop_id == workshop.pk
    long_header = _digest(LONG_QUESTION)
    assert first.changes == {
        "mapping": [{}, {"organisation": long_header, "title": "1. Title of the evaluation"}]
    }
    assert first.details == {
        "target": "submissions",
        "fingerprint": saved.fingerprint,
        "columns": 2,
    }
    assert second.changes == {
        "alias": ["", "call-2025"],
        "mapping": [
            {"organisation": long_header, "title": "1. Title of the evaluation"},
            {"abstract": "2. Abstract", "title": "1. Title of the evaluation"},
        ],
    }


def test_a_refused_mapping_leaves_no_event(workshop, staff):
    with pytest.raises(ValidationError):
        services.survey_mapping_save(
            workshop=workshop,
            target="submissions",
            headers=HEADERS,
            mapping={"1. Title of the evaluation": "title", "2. Abstract": "title"},
            user=staff,
        )

    assert not AuditEvent.objects.exists()


def test_the_command_records_its_events_under_one_request(workshop, staff, target_organisation):
    call_command(
        "import_openreview",
        workshop.code,
        str(FIXTURES / "notes.json"),
        "--organisation",
        target_organisation.code,
        "--user",
        staff.email,
        "--without-pdf",
        "--apply",
        stdout=io.StringIO(),
    )

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events if e.action.startswith("import.")] == [
        "import.created",
        "import.applied",
    ]
    imported = [e for e in events if e.action.startswith("import.")]
    assert {e.actor_id for e in imported} == {staff.pk}
    assert len({e.request_id for e in imported}) == 1
    assert imported[0].request_id
