"""The submissions API: the browser's visibility, permissions, services and messages."""

import io
from datetime import UTC, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.services.tokens import api_token_create
from submissions import services
from submissions.models import Provider, RiskArea, Submission, SubmissionFile
from tests.factories import (
    CompleteSubmissionFactory,
    MembershipFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    UserFactory,
    WorkshopFactory,
    make_pdf,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Brussels 2027")


@pytest.fixture
def draft(workshop, organisation, evaluator):
    return SubmissionFactory(
        workshop=workshop, organisation=organisation, contact=evaluator, title="Draft study"
    )


@pytest.fixture
def complete_draft(workshop, organisation, evaluator):
    return CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, contact=evaluator, title="Complete study"
    )


def _list():
    return reverse("api:submission-list")


def _detail(submission):
    return reverse("api:submission-detail", kwargs={"code": submission.code})


def _files(submission):
    return reverse("api:submission-file-list", kwargs={"code": submission.code})


def _bearer(user, *scopes):
    _token, secret = api_token_create(user=user, name="script", scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


def _iso(moment):
    """As the API writes a date: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


# --- list -----------------------------------------------------------------------------


def test_member_lists_their_organisations_submissions_only(
    client, evaluator, draft, other_organisation, workshop
):
    SubmissionFactory(workshop=workshop, organisation=other_organisation, title="Theirs")
    client.force_login(evaluator)
    response = client.get(_list())
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["code"] == draft.code
    assert row["url"] == f"http://testserver{_detail(draft)}"
    assert row["workshop"] == workshop.code
    assert row["organisation"] == {"code": draft.organisation.code, "name": draft.organisation.name}
    assert row["state"] == "draft"
    assert row["title"] == "Draft study"
    assert row["risk_areas"] == [] and row["authors"] == []
    assert row["deadline"] == _iso(workshop.submission_closes_at)


def test_reviewer_lists_nothing_staff_list_everything(
    client, reviewer, staff, draft, complete_draft
):
    client.force_login(reviewer)
    assert client.get(_list()).json()["results"] == []
    client.force_login(staff)
    codes = [row["code"] for row in client.get(_list()).json()["results"]]
    # Newest first, by the stable key.
    assert codes == [complete_draft.code, draft.code]


def test_filters(client, staff, workshop, organisation, other_organisation, complete_draft):
    other = SubmissionFactory(workshop=workshop, organisation=other_organisation)
    elsewhere = SubmissionFactory(organisation=organisation)
    client.force_login(staff)

    def codes(query):
        response = client.get(_list(), query)
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert codes({"workshop": workshop.code}) == {complete_draft.code, other.code}
    assert codes({"organisation": organisation.code}) == {complete_draft.code, elsewhere.code}
    assert codes({"risk_area": "cbrn"}) == {complete_draft.code}
    assert codes({"state": "submitted"}) == set()
    assert codes({"workshop": workshop.code, "organisation": other_organisation.code}) == {
        other.code
    }


@pytest.mark.parametrize(
    "query",
    [{"state": "lost"}, {"workshop": "nosuchcode"}, {"risk_area": "x\x00"}, {"organisation": "?"}],
)
def test_bad_filter_value_is_a_problem(client, evaluator, query):
    client.force_login(evaluator)
    body = _problem(client.get(_list(), query), 400)
    assert body["code"] == "invalid"
    assert list(body["errors"]) == list(query)


def test_member_cannot_filter_by_another_organisation(client, evaluator, other_organisation):
    client.force_login(evaluator)
    body = _problem(client.get(_list(), {"organisation": other_organisation.code}), 400)
    assert "organisation" in body["errors"]


@pytest.mark.parametrize("size", [2, 12])
def test_list_query_count_does_not_grow(
    client, evaluator, organisation, workshop, django_assert_num_queries, size
):
    for _ in range(size):
        CompleteSubmissionFactory(workshop=workshop, organisation=organisation)
    client.force_login(evaluator)
    # session, user, membership check, count, page, risk areas, methods, authors
    with django_assert_num_queries(8):
        response = client.get(_list(), {"page_size": 200})
    assert len(response.json()["results"]) == size


def test_token_needs_the_read_scope(client, evaluator, draft):
    response = client.get(_list(), headers=_bearer(evaluator, "submissions:read"))
    assert [row["code"] for row in response.json()["results"]] == [draft.code]
    body = _problem(client.get(_list(), headers=_bearer(evaluator, "reviews:read")), 403)
    assert body["code"] == "insufficient_scope"


# --- create ---------------------------------------------------------------------------


def test_create_a_draft(client, evaluator, organisation, workshop):
    client.force_login(evaluator)
    response = client.post(
        _list(),
        {
            "workshop": workshop.code,
            "organisation": organisation.code,
            "title": "  New study ",
            "risk_areas": ["cbrn", "cyber_offence"],
            "provider": "mistral ai",
            "model_name": "Model X",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    assert response["Location"] == _detail(submission)
    body = response.json()
    assert body["code"] == submission.code
    assert body["state"] == "draft"
    assert body["title"] == "New study"
    assert body["risk_areas"] == ["cbrn", "cyber_offence"]
    assert body["provider"] == "Mistral AI"  # the known provider, matched by name
    assert body["model_name"] == "Model X"
    assert body["authors"] == [{"name": "Erik Evaluator", "affiliation": organisation.name}]
    assert response["ETag"] == f'"{submission.revision}"'
    assert submission.contact == evaluator


def test_create_refuses_an_organisation_not_yours(client, evaluator, other_organisation, workshop):
    client.force_login(evaluator)
    response = client.post(
        _list(),
        {"workshop": workshop.code, "organisation": other_organisation.code, "title": "X"},
        content_type="application/json",
    )
    body = _problem(response, 400)
    assert body["errors"] == {
        "organisation": ["You do not belong to an organisation with this code."]
    }
    assert not Submission.objects.exists()


def test_create_without_organisation_says_to_join_one(client, outsider, workshop):
    client.force_login(outsider)
    response = client.post(
        _list(),
        {"workshop": workshop.code, "organisation": "abc", "title": "X"},
        content_type="application/json",
    )
    assert _problem(response, 400)["errors"] == {
        "organisation": ["Create or join an organisation before submitting an evaluation."]
    }


def test_create_in_a_closed_call_is_refused_with_the_browser_message(
    client, evaluator, organisation
):
    closed = WorkshopFactory(
        submission_opens_at=timezone.now() - timedelta(days=10),
        submission_closes_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(evaluator)
    response = client.post(
        _list(),
        {"workshop": closed.code, "organisation": organisation.code, "title": "Late"},
        content_type="application/json",
    )
    assert _problem(response, 400)["errors"] == {
        "non_field_errors": ["This call is not open for submissions."]
    }


def test_create_with_invalid_fields_creates_nothing(client, evaluator, organisation, workshop):
    client.force_login(evaluator)
    response = client.post(
        _list(),
        {
            "workshop": workshop.code,
            "organisation": organisation.code,
            "title": "X",
            "evaluation_start": "2026-05-02",
            "evaluation_end": "2026-05-01",
        },
        content_type="application/json",
    )
    assert _problem(response, 400)["errors"] == {
        "evaluation_end": ["The evaluation cannot end before it starts."]
    }
    assert not Submission.objects.exists()


# --- detail and edit ------------------------------------------------------------------


def test_detail_with_files_missing_items_and_etag(client, evaluator, complete_draft):
    file = complete_draft.files.get()
    client.force_login(evaluator)
    response = client.get(_detail(complete_draft))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["revision"] == 1
    assert body["provider"] == "Mistral AI"
    assert body["risk_areas"] == ["cbrn"] and body["methods"] == ["human_uplift"]
    assert body["authors"] == [{"name": "Ada Author", "affiliation": "Lab"}]
    assert body["provider_ties"] == ["none"]
    assert body["missing"] == []
    assert body["versions"] == []
    assert body["can"] == {"edit": True, "withdraw": True}
    (listed,) = body["files"]
    kwargs = {"code": complete_draft.code, "file_code": file.code}
    assert listed == {
        "code": file.code,
        "url": "http://testserver" + reverse("api:submission-file-detail", kwargs=kwargs),
        "download_url": "http://testserver"
        + reverse("api:submission-file-download", kwargs=kwargs),
        "kind": "main",
        "name": "report.pdf",
        "content_type": "application/pdf",
        "size": file.size,
        "sha256": file.sha256,
        "uploaded_at": _iso(file.uploaded_at),
        "detached_at": None,
    }


def test_draft_lists_what_is_missing(client, evaluator, draft):
    client.force_login(evaluator)
    missing = client.get(_detail(draft)).json()["missing"]
    assert "Upload the main document (PDF)." in missing
    assert "Abstract is required." in missing


def test_other_organisation_gets_404(client, other_evaluator, draft):
    client.force_login(other_evaluator)
    assert _problem(client.get(_detail(draft)), 404)["code"] == "not_found"


def _patch(client, submission, body, **headers):
    return client.patch(_detail(submission), body, content_type="application/json", headers=headers)


def test_patch_saves_through_the_service_and_moves_the_etag(client, evaluator, draft):
    client.force_login(evaluator)
    response = _patch(
        client,
        draft,
        {
            "abstract": "What we found.",
            "provider": "Brand New Lab",
            "methods": ["red_teaming"],
            "authors": [{"name": "Ada", "affiliation": "Lab"}, {"name": "Bo"}],
            "provider_ties": ["funding"],
        },
        **{"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["revision"] == 2
    assert body["title"] == "Draft study"  # left out: unchanged
    assert body["abstract"] == "What we found."
    assert body["provider"] == "Brand New Lab"
    assert body["methods"] == ["red_teaming"]
    assert body["provider_ties"] == ["funding"]
    assert body["authors"] == [
        {"name": "Ada", "affiliation": "Lab"},
        {"name": "Bo", "affiliation": ""},
    ]
    assert Provider.objects.filter(name="Brand New Lab").exists()
    draft.refresh_from_db()
    assert draft.abstract == "What we found." and draft.revision == 2


def test_patch_leaves_authors_alone_when_not_sent(client, evaluator, draft):
    draft.authors.create(name="Kept Author", user=evaluator)
    client.force_login(evaluator)
    response = _patch(client, draft, {"keywords": "cbrn"}, **{"If-Match": '"1"'})
    assert response.json()["authors"] == [{"name": "Kept Author", "affiliation": ""}]
    assert draft.authors.get().user == evaluator


def test_patch_accepts_the_revision_in_the_body(client, evaluator, draft):
    client.force_login(evaluator)
    response = _patch(client, draft, {"revision": 1, "title": "Renamed"})
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"


def test_patch_without_if_match_is_428(client, evaluator, draft):
    client.force_login(evaluator)
    body = _problem(_patch(client, draft, {"title": "Renamed"}), 428)
    assert body["code"] == "if_match_required"
    draft.refresh_from_db()
    assert draft.title == "Draft study"


def test_stale_patch_is_412_with_the_current_revision(client, evaluator, draft):
    services.submission_update(
        submission=draft, user=evaluator, revision=1, fields={"abstract": "Theirs"}
    )
    draft.refresh_from_db()
    client.force_login(evaluator)
    response = _patch(client, draft, {"abstract": "Mine"}, **{"If-Match": '"1"'})
    body = _problem(response, 412)
    assert response["ETag"] == '"2"'
    assert body["code"] == "stale"
    assert body["current_revision"] == 2
    assert "now at revision 2" in body["detail"]
    draft.refresh_from_db()
    assert draft.abstract == "Theirs"


def test_patch_validates_as_the_browser_form(client, evaluator, draft):
    client.force_login(evaluator)
    response = _patch(
        client,
        draft,
        {"provider_ties": ["none", "funding"], "risk_areas": ["nosuch"]},
        **{"If-Match": '"1"'},
    )
    errors = _problem(response, 400)["errors"]
    assert errors["provider_ties"] == ["“None” cannot be combined with a tie. Untick one of them."]
    assert errors["risk_areas"] == [
        "Select a valid choice. nosuch is not one of the available choices."
    ]


def test_staff_may_see_but_not_edit(client, staff, draft):
    client.force_login(staff)
    assert client.get(_detail(draft)).json()["can"] == {"edit": False, "withdraw": False}
    body = _problem(_patch(client, draft, {"title": "X"}, **{"If-Match": '"1"'}), 403)
    assert body["code"] == "permission_denied"


# --- files ----------------------------------------------------------------------------


def _upload(client, submission, name, content, kind="main"):
    return client.post(
        _files(submission), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def test_upload_a_pdf(client, evaluator, draft):
    content = make_pdf(pages=2)
    client.force_login(evaluator)
    response = _upload(client, draft, "report.pdf", content)
    assert response.status_code == 201, response.content
    stored = SubmissionFile.objects.get(submission=draft)
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["code"] == stored.code
    assert body["name"] == "report.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(content)
    listed = client.get(_files(draft)).json()["results"]
    assert [f["code"] for f in listed] == [stored.code]


def test_non_pdf_main_document_gets_the_browser_message(client, evaluator, draft):
    client.force_login(evaluator)
    body = _problem(_upload(client, draft, "notes.txt", b"plain text\n"), 400)
    assert body["errors"] == {"file": ["“notes.txt”: only PDF files are accepted."]}
    assert not SubmissionFile.objects.exists()


def test_png_renamed_to_pdf_is_refused(client, evaluator, draft):
    client.force_login(evaluator)
    (message,) = _problem(_upload(client, draft, "figure.pdf", PNG), 400)["errors"]["file"]
    assert message.startswith("“figure.pdf” is not a PDF") and "PNG" in message


def test_oversized_upload_is_stopped_with_413(client, evaluator, draft, settings):
    settings.SUBMISSION_MAX_UPLOAD_MB = 1
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(evaluator)
    big = io.BytesIO(make_pdf() + b"%" + b"x" * (1024 * 1024 + 10))
    big.name = "huge.pdf"
    response = client.post(_files(draft), {"kind": "main", "file": big})
    body = _problem(response, 413)
    assert body["code"] == "too_large"
    assert body["errors"] == {"file": ["“huge.pdf” is larger than the 1 MB limit."]}
    assert not SubmissionFile.objects.exists()


def test_files_of_a_submitted_evaluation_freeze_at_the_deadline(client, evaluator, complete_draft):
    services.submission_submit(submission=complete_draft, user=evaluator)
    workshop = complete_draft.workshop
    workshop.submission_closes_at = timezone.now() - timedelta(minutes=1)
    workshop.submission_opens_at = timezone.now() - timedelta(days=5)
    workshop.save()
    client.force_login(evaluator)
    (message,) = _problem(_upload(client, complete_draft, "r.pdf", make_pdf()), 400)["errors"][
        "file"
    ]
    assert message.startswith("The deadline for this call passed on ")


def test_remove_a_file_keeps_it_for_versions(client, evaluator, draft):
    file = SubmissionFileFactory(submission=draft)
    url = reverse("api:submission-file-detail", kwargs={"code": draft.code, "file_code": file.code})
    client.force_login(evaluator)
    assert client.delete(url).status_code == 204
    file.refresh_from_db()
    assert file.detached_at is not None
    assert client.get(_files(draft)).json()["results"] == []
    # Gone from the working copy: removing it again answers 404.
    assert _problem(client.delete(url), 404)["code"] == "not_found"


def test_download(client, evaluator, other_evaluator, complete_draft):
    file = complete_draft.files.get()
    url = reverse(
        "api:submission-file-download",
        kwargs={"code": complete_draft.code, "file_code": file.code},
    )
    client.force_login(evaluator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(other_evaluator)
    assert _problem(client.get(url), 404)["code"] == "not_found"


# --- submit, withdraw, versions -------------------------------------------------------


def _action(submission, name):
    return reverse(f"api:submission-{name}", kwargs={"code": submission.code})


def test_submit_creates_a_version(client, evaluator, complete_draft):
    client.force_login(evaluator)
    response = client.post(_action(complete_draft, "submit"))
    assert response.status_code == 201, response.content
    body = response.json()
    version_url = reverse(
        "api:submission-version-detail", kwargs={"code": complete_draft.code, "number": 1}
    )
    assert response["Location"] == f"http://testserver{version_url}"
    assert body["number"] == 1
    assert body["submission"] == complete_draft.code
    assert body["created_by"] == "Erik Evaluator"
    assert body["metadata"]["risk_areas"] == ["cbrn"]
    assert body["metadata"]["provider"] == "Mistral AI"
    assert [f["name"] for f in body["files"]] == ["report.pdf"]
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"


def test_incomplete_submit_lists_what_is_missing(client, evaluator, draft):
    client.force_login(evaluator)
    errors = _problem(client.post(_action(draft, "submit")), 400)["errors"]["non_field_errors"]
    assert "Upload the main document (PDF)." in errors


def test_late_submit_names_the_deadline(client, evaluator, complete_draft):
    workshop = complete_draft.workshop
    workshop.submission_opens_at = timezone.now() - timedelta(days=5)
    workshop.submission_closes_at = timezone.now() - timedelta(minutes=1)
    workshop.save()
    client.force_login(evaluator)
    (message,) = _problem(client.post(_action(complete_draft, "submit")), 400)["errors"][
        "non_field_errors"
    ]
    deadline = timezone.localtime(workshop.submission_closes_at, workshop.tzinfo)
    assert message.startswith(f"The deadline for this call passed on {deadline:%-d %B %Y, %H:%M} ")
    assert f"({workshop.timezone})" in message
    complete_draft.refresh_from_db()
    assert complete_draft.state == "draft"


def test_withdraw(client, evaluator, draft):
    client.force_login(evaluator)
    response = client.post(_action(draft, "withdraw"))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "withdrawn"
    assert body["can"] == {"edit": False, "withdraw": False}


def test_versions(client, evaluator, other_evaluator, complete_draft):
    services.submission_submit(submission=complete_draft, user=evaluator)
    client.force_login(evaluator)
    listed = client.get(_action(complete_draft, "version-list")).json()
    assert listed["count"] == 1
    assert listed["results"][0]["number"] == 1
    detail = client.get(listed["results"][0]["url"]).json()
    assert detail["metadata"]["title"] == "Complete study"
    assert detail["metadata"]["authors"] == [{"name": "Ada Author", "affiliation": "Lab"}]
    missing = reverse(
        "api:submission-version-detail", kwargs={"code": complete_draft.code, "number": 2}
    )
    assert client.get(missing).status_code == 404
    client.force_login(other_evaluator)
    assert client.get(_action(complete_draft, "version-list")).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_version_list_query_count_does_not_grow(
    client, evaluator, complete_draft, django_assert_num_queries, size
):
    for number in range(size):
        complete_draft.versions.create(number=number + 1, metadata={}).files.set(
            complete_draft.files.all()
        )
    client.force_login(evaluator)
    # session, user, the lookup (submission, its visibility, 3 prefetches), the permission's
    # membership, count, page, files
    with django_assert_num_queries(11):
        response = client.get(_action(complete_draft, "version-list"))
    assert len(response.json()["results"]) == size


def test_member_of_two_organisations_sees_both(client, workshop, organisation, other_organisation):
    user = UserFactory()
    MembershipFactory(organisation=organisation, user=user)
    MembershipFactory(organisation=other_organisation, user=user)
    mine = SubmissionFactory(workshop=workshop, organisation=organisation)
    theirs = SubmissionFactory(workshop=workshop, organisation=other_organisation)
    client.force_login(user)
    codes = {row["code"] for row in client.get(_list()).json()["results"]}
    assert codes == {mine.code, theirs.code}
    assert RiskArea.objects.filter(code="cbrn").exists()
