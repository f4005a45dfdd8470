"""A person imports their DBLP page, sees what was added and skipped, then their list; a
broken file is explained on the same page, the chosen format kept."""

from pathlib import Path

import pytest

from expertise.models import Publication
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.factories import ReviewerApplicationFactory, UserFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).resolve().parents[1] / "expertise" / "files"


def _author_with_two_publications():
    user = UserFactory(email="ada@example.org", full_name="Ada Author")
    Publication.objects.create(
        user=user,
        kind=Publication.Kind.EVALUATION,
        title="Cyber-offence uplift evaluation of a frontier model",
        year=2025,
        venue="EU AI Office workshop",
        url="https://example.org/uplift-report",
    )
    Publication.objects.create(
        user=user,
        title="Schön Bayesian red-teaming of large language models",
        year=2021,
        venue="Journal of AI Safety & Evaluation",
        doi="10.5555/jais.2021.0042",
    )
    return user


def test_publications_import_and_list(page):
    user = _author_with_two_publications()
    login_as(page, user)

    page.goto("/profile/")
    page.get_by_role("link", name="Add your publications: they improve matching").click()
    page.get_by_role("link", name="Import from a file").click()
    page.get_by_label("DBLP person page as XML (.xml)").check()
    page.locator("input[type=file]").set_input_files(str(FILES / "dblp_person.xml"))
    page.get_by_role("button", name="Import").click()
    status = page.get_by_role("status")
    assert "2 publications added" in status.inner_text()
    assert "1 duplicate skipped" in status.inner_text()
    assert page.get_by_label("DBLP person page as XML (.xml)").is_checked()
    assert_accessible(page)
    screenshot(page, "86-publications-import-result")

    page.locator("input[type=file]").set_input_files(str(FILES / "dblp_bomb.xml"))
    page.get_by_role("button", name="Import").click()
    alert = page.get_by_role("alert")
    assert "The file declares XML entities" in alert.inner_text()
    assert page.get_by_label("DBLP person page as XML (.xml)").is_checked()
    assert_accessible(page)
    screenshot(page, "87-publications-import-error")

    page.goto("/profile/publications/")
    rows = page.locator("tbody tr")
    assert rows.count() == 4
    assert (
        rows.first.locator("th")
        .inner_text()
        .startswith("Cyber-offence uplift evaluation of a frontier model")
    )
    assert_accessible(page)
    screenshot(page, "85-publications")


def test_staff_see_the_applicants_publications(page, staff):
    applicant = _author_with_two_publications()
    application = ReviewerApplicationFactory(user=applicant, workshop=WorkshopFactory())
    login_as(page, staff)

    page.goto(f"/review-applications/{application.code}/")

    section = page.get_by_role("region", name="Publications and evaluations")
    assert section.get_by_role("listitem").count() == 2
    assert section.get_by_role("link", name="doi:10.5555/jais.2021.0042").count() == 1
    assert_accessible(page)
    screenshot(page, "88-application-publications")
