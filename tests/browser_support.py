"""Headless Chromium (Debian's package) driven by Playwright, against pytest's live server.

Without /usr/bin/chromium these tests skip with a reason; CI sets PORTAL_REQUIRE_BROWSER=true
so that a missing browser fails the run instead of silently skipping.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


DUPLICATE_IDS = "portal: duplicate ids"
DUPLICATE_IDS_JS = """document.addEventListener("DOMContentLoaded", () => {
  const counts = new Map();
  for (const el of document.querySelectorAll("[id]")) {
    counts.set(el.id, (counts.get(el.id) || 0) + 1);
  }
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  if (repeated.length) {
    console.error("MARK on " + location.pathname + ": " + repeated.join(", "));
  }
});""".replace("MARK", DUPLICATE_IDS)


def watch_duplicate_ids(page) -> list[str]:
    """Every page `page` loads from now on is checked for repeated ids; the list collects
    one line per page that has some. (The script reports through the console, so the
    listener makes no call back into the browser.)"""
    found = []
    page.add_init_script(DUPLICATE_IDS_JS)
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if message.text.startswith(DUPLICATE_IDS) else None
        ),
    )
    return found


def _require_browser() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "true":
        pytest.fail(reason + "; PORTAL_REQUIRE_BROWSER=true forbids skipping")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make between browser steps are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    # bypass_csp only so that the test can inject axe-core; the pages themselves keep the
    # strict policy (tests/test_deployment.py checks it).
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context._portal_base_url = live_server.url
    page = context.new_page()
    duplicates = watch_duplicate_ids(page)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert duplicates == [], "pages with duplicate ids:\n" + "\n".join(duplicates)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the current page."""
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
               values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
             .then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"""
    )
    assert violations == [], f"{page.url}: " + json.dumps(violations, indent=1)


def login_as(page, user) -> None:
    """Start a browser session for `user` without the login form (tests only).

    The login form, including TOTP, has its own browser test; here it would only slow
    down flows that are about something else.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.context._portal_base_url,
            }
        ]
    )
