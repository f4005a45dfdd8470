"""The privacy notice and the record of processing: rendered from the settings (who is
responsible, the retention the portal applies), with a visible notice and a deploy check
while the controller or the data protection officer is not set."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from privacy.checks import privacy_contacts_check

pytestmark = pytest.mark.django_db

PAGES = ("portal:privacy", "privacy:record_of_processing")


@pytest.fixture
def unset(settings):
    settings.PRIVACY_CONTROLLER = {"name": "", "address": ""}
    settings.PRIVACY_DPO_CONTACT = ""
    settings.PRIVACY_CONTACT_EMAIL = ""
    return settings


@pytest.fixture
def configured(settings):
    settings.PRIVACY_CONTROLLER = {
        "name": "European Commission, AI Office, Unit A.3",
        "address": "Rue de la Loi 200\n1049 Brussels, Belgium",
    }
    settings.PRIVACY_DPO_CONTACT = "data-protection-officer@ec.europa.eu"
    settings.PRIVACY_CONTACT_EMAIL = "ai-office-workshops@ec.europa.eu"
    return settings


def test_the_deploy_check_warns_for_each_missing_detail(unset):
    assert [warning.id for warning in privacy_contacts_check()] == [
        "privacy.W001",
        "privacy.W002",
        "privacy.W003",
    ]


def test_the_deploy_check_is_quiet_once_everything_is_set(configured):
    assert privacy_contacts_check() == []


def test_manage_py_check_deploy_reports_the_warning(unset):
    output = io.StringIO()
    call_command("check", "--deploy", stdout=output, stderr=output)
    assert "privacy.W001" in output.getvalue()
    plain = io.StringIO()
    call_command("check", stdout=plain, stderr=plain)
    assert "privacy.W001" not in plain.getvalue()


def test_a_half_set_controller_still_warns(configured):
    configured.PRIVACY_CONTROLLER = {"name": "European Commission", "address": ""}
    assert [warning.id for warning in privacy_contacts_check()] == ["privacy.W001"]


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_say_what_is_missing(client, unset, name):
    page = client.get(reverse(name)).content.decode()
    assert "This page is not complete yet" in page
    assert "PRIVACY_CONTROLLER" in page and "PRIVACY_DPO_CONTACT" in page
    assert "Not set yet" in page
    assert "TO BE COMPLETED" not in page


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_name_the_controller_dpo_and_mailbox(client, configured, name):
    response = client.get(reverse(name))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This page is not complete yet" not in page
    assert "European Commission, AI Office, Unit A.3" in page
    assert "Rue de la Loi 200<br>1049 Brussels, Belgium" in page
    assert "data-protection-officer@ec.europa.eu" in page
    assert 'href="mailto:ai-office-workshops@ec.europa.eu"' in page
    assert "European Data Protection Supervisor" in page


@pytest.mark.parametrize("name", PAGES)
def test_retention_periods_come_from_the_settings(client, configured, name):
    configured.AUDIT_RETENTION_YEARS = 12
    configured.DATA_EXPORT_RETENTION_DAYS = 3
    configured.REPORT_RETENTION_DAYS = 90
    configured.RETENTION_DRAFT_DAYS = 180
    page = client.get(reverse(name)).content.decode()
    assert "<td>12 years</td>" in page
    assert "deleted 3 days after they are made" in page
    assert "deleted 90 days after they are made" in page
    assert "deleted 180 days after their last change" in page


def test_retention_the_erasure_settings_do_not_set_uses_their_defaults(client, settings):
    for name in (
        "RETENTION_UNVERIFIED_ACCOUNT_DAYS",
        "RETENTION_DRAFT_DAYS",
        "RETENTION_INACTIVE_ACCOUNT_YEARS",
    ):
        if hasattr(settings, name):
            delattr(settings, name)
    page = client.get(reverse("privacy:record_of_processing")).content.decode()
    assert "deleted 30 days after sign-up" in page
    assert "deleted 365 days after their last change" in page
    assert "erased after 3 years" in page


def test_the_record_covers_article_31(client, configured):
    page = client.get(reverse("privacy:record_of_processing")).content.decode()
    for heading in (
        "Controller and data protection officer",
        "Purposes",
        "Legal basis",
        "Data subjects and categories of personal data",
        "Recipients",
        "Transfers to third countries or international organisations",
        "Retention",
        "Security measures",
    ):
        assert heading in page
    assert "Article 5(1)(a) EUDPR" in page
    assert "special categories" in page
    assert '<th scope="col">' in page and "<caption" in page


def test_the_privacy_notice_covers_workshop_needs_and_links_the_record(client, configured):
    page = client.get(reverse("portal:privacy")).content.decode()
    assert "Accessibility and dietary needs are optional" in page
    assert "Article 10 EUDPR" in page
    assert reverse("privacy:record_of_processing") in page
    assert reverse("portal:profile") + "#your-data" in page


def test_the_record_says_how_long_text_vectors_are_kept(client, configured):
    page = client.get(reverse("privacy:record_of_processing")).content.decode()
    assert "computed to match reviewers with evaluations" in page
    assert "deleted by the next daily run once their text is changed or deleted" in page


def test_the_record_says_how_long_emails_are_kept(client, configured):
    configured.OUTGOING_EMAIL_RETENTION_DAYS = 45
    page = client.get(reverse("privacy:record_of_processing")).content.decode()
    assert "Emails the portal sent you (address, subject and text)" in page
    assert "deleted 45 days after they are sent" in page
