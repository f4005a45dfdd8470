"""Hostile or broken input to the imports (staff page, API, command): every refusal is a
clear message on the page, a problem document, or a refused row with its reason; never a
server error, a stuck run, or a worker that reads without bound."""

import copy
import io
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imports import services
from imports.models import ImportRun
from submissions.files import MAIN_DOCUMENT_KINDS
from tests.imports.conftest import PDF_A, notes_bytes, notes_upload, zip_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def submission_limit_1mb(settings):
    settings.SUBMISSION_MAX_UPLOAD_MB = 1
    settings.SUBMISSION_MAX_UPLOAD_BYTES = MB
    # Kept small, so that the run is previewed in the request and the tests stay fast.
    settings.IMPORT_ARCHIVE_MAX_MB = 3


def _archive(size: int) -> SimpleUploadedFile:
    """A ZIP of `size` bytes or a little more: one stored member of random bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("pdf/big.bin", os.urandom(size))
    return SimpleUploadedFile("files.zip", buffer.getvalue())


# --- the import's own upload limit (not the submission limit) --------------------------------


def test_api_import_takes_an_archive_over_the_submission_limit(
    client, staff, workshop, submission_limit_1mb
):
    client.force_login(staff)
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": notes_upload(), "files_archive": _archive(2 * MB)},
    )
    assert response.status_code in (200, 202), response.content[:500]
    run = ImportRun.objects.get()
    assert run.files_archive.size > 2 * MB


def test_api_import_over_the_archive_limit_is_a_413_naming_that_limit(
    client, staff, workshop, submission_limit_1mb
):
    client.force_login(staff)
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": notes_upload(), "files_archive": _archive(4 * MB)},
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "too_large" and body["limit_mb"] == 3
    assert body["errors"] == {"files_archive": ["“files.zip” is larger than the 3 MB limit."]}
    assert not ImportRun.objects.exists()


def test_api_import_data_file_keeps_its_own_limit(client, staff, workshop, settings):
    settings.IMPORT_DATA_MAX_MB = 1
    client.force_login(staff)
    big = SimpleUploadedFile("notes.json", b"[" + b" " * (MB + 10) + b"]")
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": big},
    )
    assert response.status_code == 413
    assert response.json()["errors"] == {
        "data_file": ["“notes.json” is larger than the 1 MB limit."]
    }


def test_staff_page_takes_an_archive_over_the_submission_limit_with_csrf(
    staff, workshop, submission_limit_1mb
):
    # With CSRF enforced, CsrfViewMiddleware reads the body before the view: the limit must
    # be chosen from the resolved URL, not in the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("imports:index", args=[workshop.code])
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": _archive(2 * MB),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert ImportRun.objects.get().files_archive.size > 2 * MB


def test_staff_page_says_the_archive_limit_when_over_it(staff, workshop, submission_limit_1mb):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("imports:index", args=[workshop.code])
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": _archive(4 * MB),
        },
    )
    assert response.status_code == 400
    assert "“files.zip” is larger than the 3 MB limit." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_submission_upload_keeps_its_limit(client, evaluator, submission_limit_1mb):
    from tests.factories import SubmissionFactory

    draft = SubmissionFactory(contact=evaluator, organisation=evaluator.organisations.first())
    client.force_login(evaluator)
    response = client.post(
        reverse("api:submission-file-list", args=[draft.code]),
        {"kind": "main", "file": _archive(2 * MB)},
    )
    assert response.status_code == 413
    assert response.json()["limit_mb"] == 1


# --- OpenReview exports of unexpected shapes ----------------------------------------------

BASE_NOTE = json.loads(notes_bytes())[0]


def _note(**changes):
    """The fixture's first submission note with `changes`: content fields by name, note
    fields with a leading underscore."""
    note = copy.deepcopy(BASE_NOTE)
    for key, value in changes.items():
        if key.startswith("_"):
            note[key[1:]] = value
        else:
            note["content"][key] = value
    return note


def _preview(workshop, data: bytes, options: dict) -> ImportRun:
    run = services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=SimpleUploadedFile("notes.json", data),
        options=options,
        user=None,
    )
    return services.import_run_preview(run=run)


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        (_note(title={"value": ["a", "b"]}), "its field “title” holds a list"),
        (_note(title={"value": {"x": 1}}), "its field “title” holds an object"),
        (_note(authors={"value": "Ada Lovelace"}), "its field “authors” holds a text"),
        (_note(authors={"value": 5}), "its field “authors” holds a number"),
        (_note(keywords={"value": 5}), "its field “keywords” holds a number"),
        (_note(keywords={"value": [["a", ["b"]]]}), "its field “keywords” holds a list"),
        (_note(pdf={"value": ["/pdf/x.pdf"]}), "its field “pdf” holds a list"),
        (_note(_content=[1, 2]), "its field “content” holds a list"),
        (_note(_content="text"), "its field “content” holds a text"),
        (_note(_cdate="2024-01-01"), "Date unreadable"),
        (_note(_cdate=10**30), "Date unreadable"),
        (_note(_cdate=-(10**15)), "Date unreadable"),
        (_note(title={"value": None}), "The note has no title."),
    ],
)
def test_a_note_of_unexpected_shape_is_a_refused_row(workshop, target_organisation, note, reason):
    # Before: a number where a list belongs (authors, keywords, institutions, signatures)
    # or a list as content failed the whole preview with "unexpected error (TypeError)";
    # a list as title was imported as the title "['a', 'b']".
    options = {"organisation": target_organisation.code, "without_pdf": True}
    run = _preview(workshop, json.dumps([note, _note(_id="ok1", _forum="ok1")]).encode(), options)
    assert run.state == ImportRun.State.PREVIEWED, run.error
    refused, accepted = run.preview["rows"]
    assert refused["action"] == "refuse"
    assert any(reason in r for r in refused["reasons"]), refused["reasons"]
    assert accepted["action"] == "create"


@pytest.mark.parametrize(
    "note",
    [
        _note(authors={"value": [{"fullname": "A", "institutions": 5}]}),
        _note(authors={"value": [{"fullname": "A", "institutions": []}]}),
        _note(_number=[1] * 10),
        _note(title={"value": 5}),
        _note(_signatures=5, _invitations=["Org/-/Official_Review"], _id="r1"),
    ],
)
def test_odd_but_harmless_values_never_fail_the_preview(workshop, target_organisation, note):
    options = {"organisation": target_organisation.code, "without_pdf": True}
    run = _preview(workshop, json.dumps([note]).encode(), options)
    assert run.state == ImportRun.State.PREVIEWED, run.error


def test_notes_that_are_not_objects_are_refused_rows(workshop, target_organisation):
    run = _preview(workshop, b'[1, "x", null, [1], true]', {})
    assert run.state == ImportRun.State.PREVIEWED
    assert [r["reasons"] for r in run.preview["rows"]] == [
        ["Not an OpenReview note: it has no id."]
    ] * 5


def test_nul_characters_in_an_export_are_dropped_not_a_server_error(
    workshop, target_organisation, staff
):
    # PostgreSQL refuses "\u0000" in text and jsonb: the preview's save raised DataError,
    # a 500 in the request, and a job left the run "previewing" for good.
    note = _note(
        title={"value": "Red\x00team"},
        abstract={"value": "a\x00b"},
        _id="n\x00ul",
        _forum="n\x00ul",
    )
    options = {"organisation": target_organisation.code, "without_pdf": True}
    run = _preview(workshop, json.dumps([note]).encode(), options)
    assert run.state == ImportRun.State.PREVIEWED, run.error
    (only,) = run.preview["rows"]
    assert (only["action"], only["label"], only["source_id"]) == ("create", "Redteam", "nul")
    run = services.import_run_apply(run=run, user=staff)
    assert run.state == ImportRun.State.APPLIED, run.error


def test_a_preview_the_database_refuses_fails_the_run_with_a_message(workshop, monkeypatch):
    from django.db import DataError

    from imports import jobs

    run = services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=SimpleUploadedFile("notes.json", b"[]"),
        user=None,
    )
    real_update = jobs.ImportRun.objects.filter

    def refusing_filter(*args, **kwargs):
        queryset = real_update(*args, **kwargs)
        if kwargs.get("state") == ImportRun.State.PREVIEWING:
            original = queryset.update

            def update(**values):
                if values.get("state") == ImportRun.State.PREVIEWED:
                    raise DataError("unsupported Unicode escape sequence")
                return original(**values)

            queryset.update = update
        return queryset

    monkeypatch.setattr(jobs.ImportRun.objects, "filter", refusing_filter)
    run = services.import_run_preview(run=run)
    assert run.state == ImportRun.State.FAILED
    assert run.error.startswith("The preview could not be stored")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"organisations": ["a"]}, "The option “organisations” must be an object of texts."),
        (
            {"organisations": {"n1": ["a"]}},
            "The option “organisations” must be an object of texts.",
        ),
        ({"organisation": 5}, "The option “organisation” must be text."),
        ({"without_pdf": "yes"}, "The option “without_pdf” must be true or false."),
        (
            {"review_field_map": {"rating": {"x": 1}}},
            "The option “review_field_map” must be an object of texts.",
        ),
        ({"mapping": []}, "The option “mapping” must be an object of texts."),
    ],
)
def test_options_of_the_wrong_type_are_refused_by_the_api(
    client, staff, workshop, options, message
):
    client.force_login(staff)
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": notes_upload(), "options": json.dumps(options)},
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"options": [message]}
    assert not ImportRun.objects.exists()


# --- archives ------------------------------------------------------------------------------


def _zip_path(tmp_path, members, name="files.zip", **kwargs) -> str:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", **kwargs) as archive:
        for member, content in members:
            archive.writestr(member, content)
    return str(path)


def test_an_encrypted_member_is_refused(tmp_path):
    from imports.archives import ImportFiles

    path = _zip_path(tmp_path, [("a.pdf", PDF_A)])
    data = bytearray(Path(path).read_bytes())
    header = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, header + 8, 1)  # the "encrypted" flag bit
    Path(path).write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="is encrypted"):
        ImportFiles(path)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("second", ["a.pdf", "./a.pdf", "x/../a.pdf"])
def test_duplicate_names_are_refused(tmp_path, second):
    from imports.archives import ImportFiles

    path = _zip_path(tmp_path, [("a.pdf", PDF_A), (second, PDF_A)])
    with pytest.raises(ValidationError, match="appears twice|points outside"):
        ImportFiles(path)


def test_a_member_larger_than_it_claims_is_refused_as_damaged(tmp_path):
    from imports.archives import ImportFiles

    path = _zip_path(
        tmp_path, [("a.pdf", PDF_A + b"\0" * 100_000)], compression=zipfile.ZIP_DEFLATED
    )
    data = bytearray(Path(path).read_bytes())
    header = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, header + 24, 10)  # uncompressed size: 10 bytes
    Path(path).write_bytes(bytes(data))
    with ImportFiles(path) as files, pytest.raises(ValidationError, match="damaged"):
        files.validate("a.pdf", allowed=MAIN_DOCUMENT_KINDS)


def test_a_zip_named_pdf_inside_the_archive_is_refused(tmp_path):
    from imports.archives import ImportFiles

    inner = Path(_zip_path(tmp_path, [("x.pdf", PDF_A)], name="inner.zip")).read_bytes()
    with (
        ImportFiles(_zip_path(tmp_path, [("a.pdf", inner)])) as files,
        pytest.raises(ValidationError, match="looks like a ZIP"),
    ):
        files.validate("a.pdf", allowed=MAIN_DOCUMENT_KINDS)


def test_a_huge_central_directory_is_refused_before_it_is_read(tmp_path, settings, monkeypatch):
    # zipfile reads every entry of the directory into memory before any can be counted (and
    # the end record's count may lie): the directory's size is checked first.
    from imports import archives

    settings.IMPORT_ARCHIVE_MAX_ENTRIES = 10
    path = _zip_path(tmp_path, [(f"{'n' * 300}{i}.pdf", b"") for i in range(20)])

    def must_not_open(*args, **kwargs):
        raise AssertionError("the directory was read")

    monkeypatch.setattr(archives.zipfile, "ZipFile", must_not_open)
    with pytest.raises(ValidationError, match="too many entries"):
        archives.ImportFiles(path)


# --- EU Survey exports ----------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for cells in rows:
        book.active.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, replace.get(info.filename, source.read(info)))
    return out.getvalue()


def _survey_post(client, workshop, name, data):
    return client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "eusurvey", "data_file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # Starts like a ZIP, is not one: zipfile.BadZipFile escaped as a 500.
        ("export.xlsx", b"PK\x03\x04" + b"\0" * 200, "could not be read as an Excel workbook"),
        ("export.xlsx", b"%PDF-1.4\n%%EOF\n", "could not be read as an Excel workbook"),
        (
            "export.xlsx",
            _rezip(_xlsx([["Contribution ID", "Title"]]), {"xl/worksheets/sheet1.xml": b"<a><<<"}),
            "could not be read as an Excel workbook",
        ),
        ("export.xlsx", zip_bytes({"hello.txt": b"hi"}), "could not be read as an Excel workbook"),
        ("export.csv", b"\n\n", "no header row"),
        ("export.csv", b"x1,Title\n", "no \u201cContribution ID\u201d column"),
        ("export.csv", b"Contribution ID,Title\nx1," + b"a" * (1024 * 1024) + b"\n", "CSV"),
    ],
)
def test_a_broken_survey_export_is_a_400_with_its_reason(
    client, staff, workshop, name, data, message
):
    client.force_login(staff)
    response = _survey_post(client, workshop, name, data)
    assert response.status_code == 400, response.content[:300]
    assert message in " ".join(response.json()["errors"]["non_field_errors"])


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(client, staff, workshop, monkeypatch):
    from imports import tabular

    monkeypatch.setattr(tabular, "XLSX_MAX_UNPACKED_BYTES", 1024 * 1024)
    row = b'<row r="%d"><c t="inlineStr"><is><t>x</t></is></c></row>'
    base = _xlsx([["Contribution ID", "Title"], ["c1", "t"]])
    sheet = zipfile.ZipFile(io.BytesIO(base)).read("xl/worksheets/sheet1.xml")
    rows = b"".join(row % i for i in range(3, 40_000))
    data = _rezip(
        base,
        {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", rows + b"</sheetData>")},
    )
    assert len(data) < 200_000
    client.force_login(staff)
    response = _survey_post(client, workshop, "export.xlsx", data)
    assert response.status_code == 400
    assert "would unpack to more than 1 MB" in response.json()["errors"]["non_field_errors"][0]


def test_nul_bytes_in_a_survey_export_never_reach_the_database(client, staff, workshop):
    client.force_login(staff)
    data = b"Contribution ID,Ti\x00tle\nx1,a\x00b\n"
    response = _survey_post(client, workshop, "export.csv", data)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["state"] == "previewed"
    assert "\x00" not in json.dumps(ImportRun.objects.get().preview)


# --- applying: twice, too late, after a lost worker --------------------------------------------


@pytest.fixture
def previewed(workshop, target_organisation):
    options = {"organisation": target_organisation.code, "without_pdf": True}
    run = _preview(workshop, json.dumps([_note()]).encode(), options)
    assert run.state == ImportRun.State.PREVIEWED and run.counts["create"] == 1
    return run


def test_a_second_apply_is_refused_and_imports_nothing_twice(client, staff, previewed):
    from submissions.models import Submission

    client.force_login(staff)
    url = reverse("api:import-apply", args=[previewed.code])
    assert client.post(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Only a previewed import can be applied."]
    }
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("state", ["discarded", "failed", "previewing"])
def test_applying_a_run_that_is_not_previewed_is_refused(client, staff, previewed, state):
    ImportRun.objects.filter(pk=previewed.pk).update(state=state)
    client.force_login(staff)
    response = client.post(reverse("api:import-apply", args=[previewed.code]))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_run_left_applying_by_a_dead_worker_can_be_applied_again(staff, previewed):
    # The apply is one transaction: a worker that died wrote nothing, and left the run
    # "applying" with nothing to finish it; it could be neither applied nor discarded.
    from submissions.models import Submission

    ImportRun.objects.filter(pk=previewed.pk).update(state=ImportRun.State.APPLYING, attempts=1)
    run = services.import_run_apply(run=previewed, user=staff)
    assert run.state == ImportRun.State.APPLIED, run.error
    assert Submission.objects.count() == 1
    with pytest.raises(ValidationError, match="Only a previewed import"):
        services.import_run_apply(run=run, user=staff)
    assert Submission.objects.count() == 1


def test_a_run_that_kills_its_worker_every_time_still_fails(staff, previewed, settings):
    ImportRun.objects.filter(pk=previewed.pk).update(
        state=ImportRun.State.APPLYING, attempts=settings.IMPORT_JOB_MAX_ATTEMPTS
    )
    run = services.import_run_apply(run=previewed, user=staff)
    assert run.state == ImportRun.State.FAILED
    assert run.error.startswith("Gave up after 3 attempts")


def test_a_run_left_applying_can_be_discarded(previewed):
    ImportRun.objects.filter(pk=previewed.pk).update(state=ImportRun.State.APPLYING)
    assert services.import_run_discard(run=previewed).state == ImportRun.State.DISCARDED
