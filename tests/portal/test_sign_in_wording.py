"""One pair of words for getting in: "Sign in" and "Create an account" (and "Sign out").

allauth's own templates say "Sign In", "Sign Up", "Signup"; the portal said "Log in" and
"Sign up" too. The rendered entrance pages and every template of the portal (the allauth
overrides and the emails among them) are searched for the other variants."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import WorkshopFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

# Word forms that mean signing in, up or out, other than the chosen ones.
OTHER_VARIANTS = re.compile(
    r"\b(sign[ -]?up|signup|log[ -]?in|login|log[ -]?out|logout|logged in|"
    r"sign[ -]In|Sign[ -]Out|register)\b",
    re.IGNORECASE,
)
CHOSEN = re.compile(r"Sign in|sign in|Sign out|sign out|signed in|signed out|sign-in")


def _variants(text: str) -> list[str]:
    text = re.sub(r"\S*/\S*", " ", text)  # addresses such as /accounts/signup/ are no words
    found = []
    for match in OTHER_VARIANTS.finditer(text):
        word = match.group(0)
        # EU Login is the Commission's sign-in service: a name, not a wording.
        if CHOSEN.fullmatch(word) or text[max(0, match.start() - 3) : match.end()] == "EU Login":
            continue
        found.append(text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " "))
    return found


def _visible_text(html: str) -> str:
    # Text people read: the tags go, but their labels, titles and alt texts stay.
    attributes = " ".join(re.findall(r'(?:aria-label|title|alt|value|placeholder)="([^"]*)"', html))
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return strip_tags(body) + " " + attributes


ENTRANCE_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]


@pytest.mark.parametrize("name", ENTRANCE_PAGES)
def test_entrance_pages_use_one_wording(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert _variants(_visible_text(response.content.decode())) == []


def test_signup_closed_page_uses_one_wording(client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = False

    response = client.get(reverse("account_signup"))

    assert "Creating an account" in response.content.decode()
    assert _variants(_visible_text(response.content.decode())) == []


def test_pages_for_anonymous_visitors_use_one_wording(client):
    workshop = WorkshopFactory()
    for url in (reverse("portal:home"), reverse("portal:workshop_detail", args=[workshop.code])):
        html = client.get(url).content.decode()
        assert "Sign in" in html
        assert _variants(_visible_text(html)) == [], url


def test_signed_in_navigation_says_sign_out(client, evaluator):
    client.force_login(evaluator)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert "Sign out" in html
    assert _variants(_visible_text(html)) == []


def test_second_step_of_staff_sign_in_uses_one_wording(client, staff):
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    assert _variants(_visible_text(response.content.decode())) == []


def test_emails_about_accounts_use_one_wording(
    client, evaluator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
        client.post(reverse("account_reset_password"), {"email": evaluator.email})

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert _variants(message.subject + "\n" + message.body) == [], message.body


def test_no_template_of_the_portal_uses_another_wording():
    root = Path(settings.BASE_DIR) / "templates"
    found = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        # Only translated text counts: URL names (account_login), block names and the
        # like are not words people read.
        strings = re.findall(
            r'{%\s*translate\s+"([^"]*)"|{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate',
            path.read_text(),
            flags=re.S,
        )
        text = "\n".join(a or b for a, b in strings)
        if hits := _variants(text):
            found[str(path.relative_to(root))] = hits
    assert found == {}
