import pytest

from submissions.models import Submission
from tests.browser_support import assert_accessible, screenshot
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, WorkshopFactory
from tests.factories.core import PASSWORD
from tests.factories.submissions import make_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _login(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/dashboard/")


def test_evaluator_submits_revises_and_withdraws(page, tmp_path):
    user = UserFactory(email="eva@example.org", full_name="Eva Evaluator")
    organisation = OrganisationFactory(name="Nordic AI Safety Institute")
    MembershipFactory(user=user, organisation=organisation, role="admin")
    workshop = WorkshopFactory(title="Brussels 2027")
    pdf = tmp_path / "evaluation-report.pdf"
    pdf.write_bytes(make_pdf(pages=2))

    _login(page, user.email)
    page.goto(f"/workshops/{workshop.code}/")
    page.get_by_role("link", name="Submit an evaluation").click()
    page.get_by_label("Title").fill("Cyber-offence uplift of Model X")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/edit/")
    submission = Submission.objects.get()

    # Submitting an empty draft lists what is missing, each item a link to its field.
    page.get_by_role("button", name="Save and submit").click()
    summary = page.locator("#missing")
    assert summary.get_by_role("link").count() == summary.locator("li").count() >= 15
    assert page.locator("label[for=id_abstract] .asteriskField").count() == 1
    assert_accessible(page)
    screenshot(page, "10a-submission-before-you-can-submit")
    summary.get_by_role("link", name="Choose at least one risk area.").click()
    assert page.url.endswith("#id_risk_areas_0")
    assert page.evaluate("document.querySelector(':target').id") == "id_risk_areas_0"
    page.goto(f"/submissions/{submission.code}/edit/")  # without the fragment

    # First attempt: an impossible evaluation period. Nothing typed may be lost.
    page.get_by_label("Abstract").fill("We measure uplift on capture-the-flag tasks.")
    page.get_by_label("Evaluation start").fill("2026-06-01")
    page.get_by_label("Evaluation end").fill("2026-05-01")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("The evaluation cannot end before it starts.").is_visible()
    assert page.get_by_label("Abstract").input_value() == (
        "We measure uplift on capture-the-flag tasks."
    )
    assert_accessible(page)
    screenshot(page, "10-submission-validation-error")

    page.get_by_label("Evaluation end").fill("2026-07-01")
    page.locator("#id_provider").select_option(label="Mistral AI")
    page.get_by_label("Model name").fill("Model X")
    page.get_by_label("Version or snapshot").fill("2026-09-01")
    page.get_by_label("Version type").select_option("with_mitigations")
    page.get_by_label("Release channel").select_option("api")
    page.get_by_label("Access level").select_option("black_box")
    page.get_by_label("Cyber offence").check()
    page.get_by_label("Threat scenario").fill("A mid-skilled actor automates exploitation.")
    page.get_by_label("Agentic tasks").check()
    page.get_by_label("Elicitation").fill("ReAct scaffold with shell tools, pass@10.")
    page.get_by_label("Stage").select_option("pre_deployment")
    page.get_by_label("Results summary").fill("Solves 31% of tasks (95% CI 26-36).")
    page.get_by_label("Artefact availability").select_option("on_request")
    page.get_by_label("Consent for the public summary").select_option("anonymised")
    page.get_by_label("Relevance to systemic risk").fill("Bears on the cyber offence risk.")
    page.locator("input[name=provider_ties][value=none]").check()
    page.locator("input[name=upload]").set_input_files(str(pdf))
    page.get_by_role("button", name="Save and submit").click()
    page.wait_for_url(f"**/submissions/{submission.code}/")
    assert page.get_by_text("Submitted (version 1)").is_visible()
    submission.refresh_from_db()
    assert submission.state == "submitted"
    assert [f.original_name for f in submission.versions.get().files.all()] == [
        "evaluation-report.pdf"
    ]
    assert_accessible(page)
    screenshot(page, "11-submission-submitted")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Abstract").fill("Revised: uplift on 120 capture-the-flag tasks.")
    page.get_by_role("button", name="Save and submit a new version").click()
    page.wait_for_url(f"**/submissions/{submission.code}/")
    assert page.get_by_text("Submitted (version 2)").is_visible()
    assert list(submission.versions.values_list("number", flat=True)) == [1, 2]

    page.get_by_role("link", name="Withdraw").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw").click()
    page.wait_for_url(f"**/submissions/{submission.code}/")
    submission.refresh_from_db()
    assert submission.state == "withdrawn"
    screenshot(page, "12-submission-withdrawn")
