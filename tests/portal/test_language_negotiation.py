"""Which language a page is in: the profile's, then the browser's Accept-Language, then
English; the language switcher offers only languages whose catalogue is complete."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal.languages import complete_languages

pytestmark = pytest.mark.django_db


def rendered_in(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def translated(language: str, message: str) -> str:
    with translation.override(language):
        text = gettext(message)
    assert text != message or language == "en"
    return text


def test_a_visitor_with_accept_language_german_gets_german(client):
    response = client.get(
        reverse("portal:home"), follow=True, headers={"accept-language": "de-DE,de;q=0.9"}
    )
    assert rendered_in(response) == "de"
    assert response["Content-Language"] == "de"
    assert translated("de", "Sign in") in response.content.decode()


@pytest.mark.parametrize("header", ["it-IT,it;q=0.9", "pt-BR", "xx", ""])
def test_a_language_the_portal_is_not_offered_in_gives_english(client, header):
    """Django itself is translated into Italian and Portuguese: the portal is not."""
    response = client.get(reverse("portal:home"), follow=True, headers={"accept-language": header})
    assert rendered_in(response) == "en"
    assert ">Sign in<" in response.content.decode()


def test_the_profile_language_beats_accept_language(client, evaluator):
    evaluator.preferred_language = "fr"
    evaluator.save(update_fields=["preferred_language"])
    client.force_login(evaluator)
    response = client.get(reverse("portal:home"), follow=True, headers={"accept-language": "de"})
    assert rendered_in(response) == "fr"
    assert translated("fr", "Sign out") in response.content.decode()


def test_a_profile_language_no_longer_offered_falls_back_to_accept_language(
    client, evaluator, settings
):
    evaluator.preferred_language = "da"
    evaluator.save(update_fields=["preferred_language"])
    settings.LANGUAGES = [("en", "English"), ("de", "German")]  # Danish became incomplete
    client.force_login(evaluator)
    assert rendered_in(
        client.get(reverse("portal:home"), follow=True, headers={"accept-language": "de"})
    ) == ("de")
    assert rendered_in(
        client.get(reverse("portal:home"), follow=True, headers={"accept-language": "da"})
    ) == ("en")


def switcher_options(response) -> list[str]:
    select = re.search(r'<select id="language-select".*?</select>', response.content.decode(), re.S)
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def test_the_switcher_lists_the_offered_languages_only(client, settings):
    assert switcher_options(client.get(reverse("portal:home"))) == ["en", "da", "fr", "de"]
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    assert switcher_options(client.get(reverse("portal:home"))) == ["en", "fr"]


def test_choosing_a_language_not_offered_is_not_remembered(client, evaluator):
    client.force_login(evaluator)
    client.post(reverse("portal:set_language"), {"language": "it", "next": "/"})
    evaluator.refresh_from_db()
    assert evaluator.preferred_language == "en"
    client.post(reverse("portal:set_language"), {"language": "de", "next": "/"})
    evaluator.refresh_from_db()
    assert evaluator.preferred_language == "de"


def test_the_shipped_languages_are_the_complete_catalogues():
    assert [code for code, _name in settings.LANGUAGES] == [
        "en",
        *complete_languages(Path(settings.LOCALE_PATHS[0])),
    ]
    assert {"da", "fr", "de"} <= set(complete_languages(Path(settings.LOCALE_PATHS[0])))


def write_catalogue(locale: Path, language: str, entries: list[polib.POEntry], *, compile=True):
    folder = locale / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for entry in entries:
        po.append(entry)
    po.save(str(folder / "django.po"))
    if compile:
        subprocess.run(
            [shutil.which("msgfmt"), "-o", str(folder / "django.mo"), str(folder / "django.po")],
            check=True,
        )
    return folder / "django.po"


def done(msgid="Sign in", msgstr="Done"):
    return polib.POEntry(msgid=msgid, msgstr=msgstr)


def test_only_complete_compiled_catalogues_are_offered(tmp_path):
    plural = polib.POEntry(msgid="a day", msgid_plural="%(n)s days", msgstr_plural={0: "x", 1: ""})
    fuzzy = polib.POEntry(msgid="Profile", msgstr="Profilo", flags=["fuzzy"])
    write_catalogue(tmp_path, "it", [done(), done("Profile", "Profilo")])
    write_catalogue(tmp_path, "fr", [done()])
    write_catalogue(tmp_path, "es", [done(), done("Profile", "")])  # untranslated
    write_catalogue(tmp_path, "pt", [done(), fuzzy])
    write_catalogue(tmp_path, "pl", [done(), plural])  # a plural form missing
    write_catalogue(tmp_path, "nl", [done()], compile=False)
    stale = write_catalogue(tmp_path, "sv", [done()])
    stale.write_text(
        stale.read_text() + '\nmsgid "Profile"\nmsgstr "Profil"\n', encoding="utf-8"
    )  # a message added since it was compiled
    write_catalogue(tmp_path, "xx", [done()])  # not an official EU language
    (tmp_path / "glossary").mkdir()

    assert complete_languages(tmp_path) == ["fr", "it"]
