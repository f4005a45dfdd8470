"""EU Survey import: reading exports, the column mapping, preview and apply."""

import hashlib
import io
import zipfile
from datetime import datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportedRecord, ImportRun, SurveyMapping
from imports.selectors import survey_mapping_for
from imports.services import (
    import_run_apply,
    import_run_create,
    import_run_preview,
    survey_mapping_save,
)
from imports.sources import eusurvey
from imports.surveys import headers_fingerprint
from imports.tabular import read_csv
from portal.models import Membership, Organisation, User
from reviews.models import ReviewerApplication
from submissions.models import Submission
from tests.factories import OrganisationFactory, UserFactory, WorkshopFactory
from tests.factories.submissions import make_pdf

pytestmark = pytest.mark.django_db

ULB = "Université libre de Bruxelles"
HEADERS = [
    "Contribution ID",
    "User name",
    "Creation date",
    "1. Title of the evaluation",
    "2. Abstract",
    "3. Name of your organisation",
    "4. Contact email",
    "5. Authors",
    "6. Risk areas covered",
    "7. Model name",
]
ROW_A = [
    "c-001",
    "anon",
    "2025-03-01 10:15:00",
    "Cyber uplift of GPT-X",
    "We measured uplift.",
    ULB,
    "Ana@Example.org",
    "Ana Lopez (ULB); Jan Peeters",
    "Cyber offence; Loss of control",
    "GPT-X",
]
ROW_B = [
    "c-002",
    "anon",
    "02/03/2025 09:00",
    "Persuasion study",
    "",
    "acme labs",
    "bob@example.org",
    "Bob Smith (Acme Labs)",
    "Harmful manipulation",
    "Model-B",
]


def csv_bytes(rows, *, headers=HEADERS, delimiter=",", encoding="utf-8"):
    def quote(cell):
        return '"' + str(cell).replace('"', '""') + '"'

    lines = [delimiter.join(quote(c) for c in headers)]
    lines += [delimiter.join(quote(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, *, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # a blank first row: the header is the first non-empty one
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def workshop():
    return WorkshopFactory()


@pytest.fixture
def organisations():
    return [OrganisationFactory(name=ULB), OrganisationFactory(name="Acme Labs")]


def run_for(
    workshop, staff, data, *, name="export.csv", target="submissions", files=None, options=None
):
    run = import_run_create(
        workshop=workshop,
        source="eusurvey",
        target=target,
        data_file=SimpleUploadedFile(name, data),
        files_archive=SimpleUploadedFile("files.zip", files) if files is not None else None,
        options=options,
        user=staff,
    )
    return import_run_preview(run=run)


def rows_by_id(run):
    return {row["source_id"]: row for row in run.preview["rows"]}


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-16", "\t"), ("latin-1", ";")],
)
def test_csv_encodings_and_delimiters_are_detected(encoding, delimiter):
    table = read_csv(csv_bytes([ROW_A], delimiter=delimiter, encoding=encoding))
    assert table.headers == HEADERS
    assert table.rows[0][5] == ULB
    assert table.delimiter == delimiter


def test_csv_utf16_export_starts_with_a_bom():
    data = csv_bytes([ROW_A], delimiter="\t", encoding="utf-16")
    assert data[:2] == b"\xff\xfe"
    assert read_csv(data).encoding == "utf-16"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_accented_organisation_matches_whatever_the_encoding(
    workshop, staff, organisations, encoding
):
    data = csv_bytes([ROW_A], delimiter=";", encoding=encoding)
    run = run_for(workshop, staff, data)
    row = rows_by_id(run)["c-001"]
    assert row["action"] == "create", row["reasons"]
    assert row["data"]["organisation"] == {"code": organisations[0].code, "name": ULB}


def test_xlsx_header_after_blank_row_and_datetime_cells(workshop, staff, organisations):
    row_a = list(ROW_A)
    row_a[2] = datetime(2025, 3, 1, 10, 15)
    run = run_for(workshop, staff, xlsx_bytes([row_a, ROW_B]), name="export.xlsx")
    assert run.state == ImportRun.State.PREVIEWED, run.error
    assert run.preview["counts"] == {"create": 2, "update": 0, "skip": 0, "refuse": 0}
    assert rows_by_id(run)["c-001"]["data"]["submitted_at"].startswith("2025-03-01T10:15:00")
    assert rows_by_id(run)["c-002"]["data"]["submitted_at"].startswith("2025-03-02T09:00:00")


def test_export_without_contribution_id_is_refused_at_upload(workshop, staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Contribution ID"):
        run_for(workshop, staff, csv_bytes([ROW_A[1:]], headers=HEADERS[1:]))


# ---------------------------------------------------------------------------- preview


def test_first_preview_guesses_the_mapping_and_says_so(workshop, staff, organisations):
    run = run_for(workshop, staff, csv_bytes([ROW_A]))
    assert run.preview["mapping_origin"] == {"origin": "guess"}
    assert run.preview["mapping"] == {
        "1. Title of the evaluation": "title",
        "2. Abstract": "abstract",
        "3. Name of your organisation": "organisation",
        "4. Contact email": "contact_email",
        "5. Authors": "authors",
        "6. Risk areas covered": "risk_areas",
        "7. Model name": "model_name",
    }
    assert "No mapping is saved" in run.preview["mapping_message"]


def test_preview_refusals_and_skips(workshop, staff, organisations):
    missing_title = ["c-003", "", "", "", "x", ULB, "c@example.org", "", "", ""]
    duplicate_1 = ["c-004", "", "", "One", "", ULB, "d@example.org", "", "", ""]
    duplicate_2 = ["c-004", "", "", "Two", "", ULB, "d@example.org", "", "", ""]
    no_id = ["", "", "", "No id", "", ULB, "e@example.org", "", "", ""]
    empty = ["c-005", "anon", "2025-03-01", "", "", "", "", "", "", ""]
    unknown_org = ["c-006", "", "", "Orphan", "", "Nowhere Inc", "f@example.org", "", "", ""]
    too_long = ["c-007", "", "", "T" * 301, "", ULB, "g@example.org", "", "", ""]
    bad_area = ["c-008", "", "", "Areas", "", ULB, "h@example.org", "", "Weather", ""]
    bad_email = ["c-009", "", "", "Mail", "", ULB, "not-an-email", "", "", ""]
    data = csv_bytes(
        [ROW_A, missing_title, duplicate_1, duplicate_2, no_id, empty, unknown_org, too_long]
        + [bad_area, bad_email]
    )
    run = run_for(workshop, staff, data)
    rows = run.preview["rows"]
    assert [(r["source_id"], r["action"]) for r in rows] == [
        ("c-001", "create"),
        ("c-003", "refuse"),
        ("c-004", "refuse"),
        ("c-004", "refuse"),
        ("", "refuse"),
        ("c-005", "skip"),
        ("c-006", "refuse"),
        ("c-007", "refuse"),
        ("c-008", "refuse"),
        ("c-009", "refuse"),
    ]
    assert run.preview["counts"] == {"create": 1, "update": 0, "skip": 1, "refuse": 8}
    assert rows[1]["reasons"] == ["“Title” is empty."]
    assert rows[2]["reasons"] == ["The contribution ID c-004 is also on row 5 of the file."]
    assert rows[3]["reasons"] == ["The contribution ID c-004 is also on row 4 of the file."]
    assert rows[4]["reasons"] == ["The row has no contribution ID."]
    assert rows[5]["reasons"] == ["The row is empty."]
    assert rows[6]["reasons"] == [
        "The organisation “Nowhere Inc” is not in the portal. Create it first, or allow the "
        "import to create organisations."
    ]
    assert rows[7]["reasons"] == ["“Title” is too long: 301 characters, at most 300."]
    assert rows[8]["reasons"] == ["“Risk areas”: “Weather” is not one of the choices."]
    assert rows[9]["reasons"] == ["“Contact email”: “not-an-email” is not an email address."]


def test_unreadable_date_is_refused(workshop, staff, organisations):
    headers = [*HEADERS, "8. Evaluation start date"]
    good = [*ROW_A, "31/12/2024"]
    bad = [*ROW_B, "last spring"]
    run = run_for(workshop, staff, csv_bytes([good, bad], headers=headers))
    rows = rows_by_id(run)
    assert rows["c-001"]["data"]["fields"]["evaluation_start"] == "2024-12-31"
    assert rows["c-002"]["reasons"] == [
        "“Evaluation start”: “last spring” is not a date that can be read (use 31/12/2024)."
    ]


def test_formula_cell_is_kept_as_text_and_flagged(workshop, staff, organisations):
    row = list(ROW_A)
    row[4] = '=HYPERLINK("http://evil.example","click")'
    run = run_for(workshop, staff, xlsx_bytes([row]), name="export.xlsx")
    preview_row = rows_by_id(run)["c-001"]
    assert preview_row["action"] == "create"
    assert preview_row["data"]["fields"]["abstract"] == '=HYPERLINK("http://evil.example","click")'
    assert preview_row["reasons"] == [
        '“2. Abstract” starts like a spreadsheet formula (“=HYPERLINK("http://e…”): it is '
        "kept as text and never run."
    ]
    import_run_apply(run=run, user=staff)
    assert Submission.objects.get().abstract == '=HYPERLINK("http://evil.example","click")'


def test_unknown_organisation_created_when_allowed(workshop, staff):
    headers = [*HEADERS, "Country of the organisation"]
    run = run_for(
        workshop,
        staff,
        csv_bytes([[*ROW_A, "Belgium"]], headers=headers),
        options={"create_organisations": True},
    )
    assert rows_by_id(run)["c-001"]["action"] == "create"
    run = import_run_apply(run=run, user=staff)
    assert run.state == ImportRun.State.APPLIED, run.error
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.country.code) == (ULB, "BE")
    contact = User.objects.get(email="Ana@example.org")
    assert Membership.objects.get(user=contact).role == Membership.Role.ADMIN


# ---------------------------------------------------------------------------- apply


def test_apply_creates_submissions_and_reimport_updates(workshop, staff, organisations):
    bob = UserFactory(email="bob@example.org", full_name="Bob Smith")
    run = run_for(workshop, staff, csv_bytes([ROW_A, ROW_B]))
    run = import_run_apply(run=run, user=staff)
    assert run.state == ImportRun.State.APPLIED, run.error
    assert run.result == {"created": 2, "updated": 0, "skipped": 0, "refused": 0}

    a = Submission.objects.get(title="Cyber uplift of GPT-X")
    assert a.organisation == organisations[0]
    assert a.state == Submission.State.SUBMITTED
    # EU Survey's dates are Brussels time, as the portal's.
    assert timezone.localtime(a.submitted_at).isoformat() == "2025-03-01T10:15:00+01:00"
    assert a.contact.email == "Ana@example.org"
    assert not a.contact.has_usable_password()
    assert [(x.name, x.affiliation) for x in a.authors.all()] == [
        ("Ana Lopez", "ULB"),
        ("Jan Peeters", ULB),
    ]
    assert sorted(a.risk_areas.values_list("code", flat=True)) == [
        "cyber_offence",
        "loss_of_control",
    ]
    assert a.model_name == "GPT-X"
    assert a.versions.count() == 1
    b = Submission.objects.get(title="Persuasion study")
    assert (b.organisation, b.contact) == (organisations[1], bob)
    assert Membership.objects.filter(user=bob, organisation=organisations[1]).exists()
    records = ImportedRecord.objects.filter(workshop=workshop, source="eusurvey")
    assert sorted(records.values_list("source_id", "object_code")) == [
        ("c-001", a.code),
        ("c-002", b.code),
    ]

    # The next export: c-001 changed its title, c-002 unchanged.
    row_a = list(ROW_A)
    row_a[3] = "Cyber uplift of GPT-X (revised)"
    run = run_for(workshop, staff, csv_bytes([row_a, ROW_B]))
    assert [r["action"] for r in run.preview["rows"]] == ["update", "update"]
    run = import_run_apply(run=run, user=staff)
    assert run.result == {"created": 0, "updated": 2, "skipped": 0, "refused": 0}
    assert Submission.objects.count() == 2
    a.refresh_from_db()
    assert a.title == "Cyber uplift of GPT-X (revised)"
    assert a.versions.count() == 2
    assert b.versions.count() == 1
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1


def test_screened_submission_is_not_changed_by_reimport(workshop, staff, organisations):
    run = import_run_apply(run=run_for(workshop, staff, csv_bytes([ROW_A])), user=staff)
    Submission.objects.update(state=Submission.State.ELIGIBLE)
    run = run_for(workshop, staff, csv_bytes([ROW_A]))
    row = rows_by_id(run)["c-001"]
    assert row["action"] == "refuse"
    assert row["reasons"] == [
        "The submission imported from this contribution is “Eligible”: an import no longer "
        "changes it."
    ]


def test_apply_is_all_or_nothing(workshop, staff, organisations, monkeypatch):
    run = run_for(workshop, staff, csv_bytes([ROW_A, ROW_B]))
    original = eusurvey._apply_submission

    def fail_on_second(row, **kwargs):
        if row["source_id"] == "c-002":
            raise RuntimeError("disk full")
        return original(row, **kwargs)

    monkeypatch.setattr(eusurvey, "_apply_submission", fail_on_second)
    run = import_run_apply(run=run, user=staff)
    assert run.state == ImportRun.State.FAILED
    assert Submission.objects.count() == 0
    assert ImportedRecord.objects.count() == 0
    assert not User.objects.filter(email__iexact="ana@example.org").exists()


def test_files_from_the_archive(workshop, staff, organisations):
    pdf = make_pdf(pages=2)
    files = zip_bytes(
        {
            "export/c-001/paper.pdf": pdf,
            "export/c-001/data.csv": b"a,b\n1,2\n",
            "export/c-002/paper.pdf": b"this is not a PDF at all",
        }
    )
    run = run_for(workshop, staff, csv_bytes([ROW_A, ROW_B]), files=files)
    rows = rows_by_id(run)
    assert rows["c-001"]["action"] == "create", rows["c-001"]["reasons"]
    assert [(f["kind"], f["name"]) for f in rows["c-001"]["data"]["files"]] == [
        ("main", "paper.pdf"),
        ("supplementary", "data.csv"),
    ]
    assert rows["c-002"]["action"] == "refuse"
    assert len(rows["c-002"]["reasons"]) == 1
    assert "paper.pdf" in rows["c-002"]["reasons"][0]
    run = import_run_apply(run=run, user=staff)
    assert run.result == {"created": 1, "updated": 0, "skipped": 0, "refused": 1}
    submission = Submission.objects.get()
    main = submission.files.get(kind="main")
    assert main.sha256 == hashlib.sha256(pdf).hexdigest()
    assert main.original_name == "paper.pdf"
    assert submission.versions.get().files.count() == 2

    # Importing the same files again adds nothing.
    run = import_run_apply(
        run=run_for(workshop, staff, csv_bytes([ROW_A, ROW_B]), files=files), user=staff
    )
    assert submission.files.count() == 2
    assert submission.versions.count() == 1


def test_file_named_in_a_column_must_be_in_the_archive(workshop, staff, organisations):
    headers = [*HEADERS, "Main document"]
    files = zip_bytes({"c-001/report.pdf": make_pdf()})
    data = csv_bytes([[*ROW_A, "report.pdf"], [*ROW_B, "missing.pdf"]], headers=headers)
    rows = rows_by_id(run_for(workshop, staff, data, files=files))
    assert rows["c-001"]["action"] == "create"
    assert rows["c-002"]["reasons"] == [
        "The file “missing.pdf” is not in the archive, in the folder “c-002”."
    ]


# ---------------------------------------------------------------------------- mapping


def test_saved_mapping_is_reused_for_the_next_export(workshop, staff, organisations):
    custom = {
        "1. Title of the evaluation": "title",
        "2. Abstract": "results_summary",
        "3. Name of your organisation": "organisation",
        "4. Contact email": "contact_email",
        "7. Model name": "model_name",
    }
    saved = survey_mapping_save(
        workshop=workshop,
        target="submissions",
        headers=HEADERS,
        mapping=custom,
        user=staff,
        alias="gpai-call-2025",
    )
    assert saved.fingerprint == headers_fingerprint(HEADERS)

    # The next export: columns in another order, renumbered, other spacing.
    order = [0, 1, 2, 9, 8, 7, 6, 5, 4, 3]
    renumbered = [
        h if i < 3 else f"Q{n}.  {h.split('. ', 1)[1]}"
        for n, (i, h) in enumerate(((i, HEADERS[i]) for i in order), start=1)
    ]
    data = csv_bytes([[ROW_A[i] for i in order]], headers=renumbered)
    run = run_for(workshop, staff, data)
    assert run.preview["mapping_origin"]["origin"] == "saved"
    assert run.preview["mapping_origin"]["matched_by"] == "fingerprint"
    assert "applied automatically" in run.preview["mapping_message"]
    row = rows_by_id(run)["c-001"]
    assert row["data"]["fields"]["results_summary"] == "We measured uplift."
    assert "authors" not in row["data"]

    found, how = survey_mapping_for(
        workshop=workshop, target="submissions", headers=["Contribution ID"], alias="GPAI-call-2025"
    )
    assert (found, how) == (saved, "alias")


def test_saving_the_mapping_again_replaces_it(workshop, staff):
    for field in ("abstract", "results_summary"):
        survey_mapping_save(
            workshop=workshop,
            target="submissions",
            headers=HEADERS,
            mapping={"1. Title of the evaluation": "title", "2. Abstract": field},
            user=staff,
        )
    assert SurveyMapping.objects.get().mapping["2. Abstract"] == "results_summary"


def test_mapping_refuses_two_columns_for_one_field(workshop, staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="both mapped"):
        survey_mapping_save(
            workshop=workshop,
            target="submissions",
            headers=HEADERS,
            mapping={"1. Title of the evaluation": "title", "2. Abstract": "title"},
            user=staff,
        )


def test_mapping_from_the_run_options_wins(workshop, staff, organisations):
    options = {"mapping": {"1. Title of the evaluation": "title", "7. Model name": "model_name"}}
    run = run_for(workshop, staff, csv_bytes([ROW_A]), options=options)
    assert run.preview["mapping_origin"] == {"origin": "options"}
    assert run.preview["errors"] == [
        "No column is mapped to “Organisation name”.",
        "No column is mapped to “Contact email”.",
    ]
    assert run.preview["counts"]["refuse"] == 1


# ---------------------------------------------------------------------------- reviewers

APPLICATION_HEADERS = [
    "Contribution ID",
    "Creation date",
    "Your e-mail address",
    "Your full name",
    "Affiliation",
    "Describe your expertise",
    "Languages you can review in",
    "Risk areas of expertise",
]


def test_reviewer_applications_import(workshop, staff):
    rows = [
        [
            "r-1",
            "2025-03-01",
            "eva@example.org",
            "Eva Novak",
            ULB,
            "Ten years of red-teaming.",
            "English; French",
            "CBRN (chemical, biological, radiological, nuclear)",
        ],
        ["r-2", "2025-03-01", "tom@example.org", "Tom", "Acme", "Benchmarks.", "", ""],
    ]
    pdf = make_pdf()
    files = zip_bytes({"r-1/cv.pdf": pdf})
    run = run_for(
        workshop,
        staff,
        csv_bytes(rows, headers=APPLICATION_HEADERS, encoding="cp1252", delimiter=";"),
        target="reviewer_applications",
        files=files,
    )
    preview = rows_by_id(run)
    assert preview["r-1"]["action"] == "create", preview["r-1"]["reasons"]
    assert preview["r-2"]["reasons"] == [
        "The row names no risk area and no method of expertise.",
        "No review language given: English is assumed.",
    ]
    run = import_run_apply(run=run, user=staff)
    assert run.result == {"created": 1, "updated": 0, "skipped": 0, "refused": 1}
    application = ReviewerApplication.objects.get()
    assert application.user.email == "eva@example.org"
    assert application.user.full_name == "Eva Novak"
    assert application.affiliation == ULB
    assert application.languages == ["en", "fr"]
    assert application.state == ReviewerApplication.State.PENDING
    assert application.cv_sha256 == hashlib.sha256(pdf).hexdigest()
    assert [e.risk_area.code for e in application.expertise.all()] == ["cbrn"]

    run = run_for(
        workshop,
        staff,
        csv_bytes(rows[:1], headers=APPLICATION_HEADERS),
        target="reviewer_applications",
    )
    assert rows_by_id(run)["r-1"]["action"] == "update"
    import_run_apply(run=run, user=staff)
    assert ReviewerApplication.objects.count() == 1


# ---------------------------------------------------------------------------- command


def test_management_command_previews_then_applies(workshop, staff, organisations, tmp_path):
    export = tmp_path / "export.csv"
    missing_title = ["c-003", "", "", "", "x", ULB, "c@example.org", "", "", ""]
    export.write_bytes(csv_bytes([ROW_A, missing_title]))
    out = io.StringIO()
    call_command("import_eusurvey", workshop.code, str(export), target="submissions", stdout=out)
    assert "create 1, update 0, skip 0, refuse 1" in out.getvalue()
    assert "row 3 (c-003): “Title” is empty." in out.getvalue()
    assert Submission.objects.count() == 0

    out = io.StringIO()
    call_command(
        "import_eusurvey", workshop.code, str(export), target="submissions", apply=True, stdout=out
    )
    assert "created 1, updated 0, skipped 0, refused 1" in out.getvalue()
    assert Submission.objects.get().title == "Cyber uplift of GPT-X"


# ---------------------------------------------------------------------------- mapping page


def test_mapping_page_saves_the_mapping_and_previews_again(client, workshop, staff, organisations):
    run = run_for(workshop, staff, csv_bytes([ROW_A]), options={"mapping": {}})
    assert run.preview["counts"]["refuse"] == 1
    client.force_login(staff)
    url = reverse("imports:survey_mapping", kwargs={"run_code": run.code})
    page = client.get(url)
    assert page.status_code == 200
    assert "<caption>" in page.content.decode()
    assert '<label for="id_column_0">1. Title of the evaluation</label>' in page.content.decode()
    assert "For example: Cyber uplift of GPT-X" in page.content.decode()

    columns = {
        "column_0": "title",
        "column_2": "organisation",
        "column_3": "contact_email",
        "column_5": "risk_areas",
    }
    response = client.post(url, {"alias": "Call 2025", **columns})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == ImportRun.State.PREVIEWED
    assert run.preview["counts"] == {"create": 1, "update": 0, "skip": 0, "refuse": 0}
    saved = SurveyMapping.objects.get(workshop=workshop)
    assert saved.alias == "Call 2025"
    assert saved.mapping == {
        "1. Title of the evaluation": "title",
        "3. Name of your organisation": "organisation",
        "4. Contact email": "contact_email",
        "6. Risk areas covered": "risk_areas",
    }

    # The next export of the same survey, without options: the saved mapping applies.
    run = run_for(workshop, staff, csv_bytes([ROW_B]))
    assert run.preview["mapping_origin"]["matched_by"] == "fingerprint"
    assert run.preview["mapping"] == saved.mapping


def test_mapping_page_refuses_one_field_twice(client, workshop, staff, organisations):
    run = run_for(workshop, staff, csv_bytes([ROW_A]))
    client.force_login(staff)
    url = reverse("imports:survey_mapping", kwargs={"run_code": run.code})
    response = client.post(url, {"column_0": "title", "column_1": "title"})
    assert response.status_code == 200
    assert "“1. Title of the evaluation” is already mapped to this field." in (
        response.content.decode()
    )
    assert not SurveyMapping.objects.exists()


def test_staff_page_uploads_a_survey_of_reviewer_candidates(client, workshop, staff):
    """The upload form says what the rows become: reviewer applications here."""
    rows = [
        [
            "r-9",
            "2025-03-01",
            "ina@example.org",
            "Ina Ivanova",
            "Lab",
            "CBRN red-teaming.",
            "English",
            "CBRN (chemical, biological, radiological, nuclear)",
        ]
    ]
    client.force_login(staff)
    response = client.post(
        reverse("imports:index", args=[workshop.code]),
        {
            "source": "eusurvey",
            "target": "reviewer_applications",
            "data_file": SimpleUploadedFile(
                "candidates.csv", csv_bytes(rows, headers=APPLICATION_HEADERS), "text/csv"
            ),
        },
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.target == "reviewer_applications"
    assert [(r["source_id"], r["kind"], r["action"]) for r in run.preview["rows"]] == [
        ("r-9", "reviewer_application", "create")
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Reviewer application" in page
