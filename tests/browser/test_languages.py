"""The main pages in every language: nothing overflows its box, at 1280 px and at 375 px.

French and German run longer than English ("Bewertungseinreichungen", "Soumettez à nouveau
pour les enregistrer"); a label that fitted in English may spill out of its button, be cut
off by its cell or push the page sideways on a phone. Four pages, each as the person who
uses it: the reviewer's dashboard, the submission form, the review form and the staff list
of submissions. Screenshots of each in English, Danish, French and German at 1280 px go to
var/screenshots/95-<page>-<lang>.png (and -375 for the narrow ones in fr and de).
"""

import pytest
from django.urls import reverse

from tests.browser_support import login_as, screenshot, watch_duplicate_ids
from tests.factories import (
    CompleteSubmissionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.reviews.reviewing.conftest import approve, assign_for_review

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# For every visible element: does it reach past the viewport (unless a scrolling container
# clips it, as .table-responsive does), or does its own text not fit its box (spilling out,
# or cut off by overflow: hidden)? Inline elements have no box of their own to check; form
# controls scroll or truncate their value by design.
OVERFLOWS_JS = r"""() => {
  const width = document.documentElement.clientWidth;
  const UNSEEN = "script, style, template, [hidden], .visually-hidden, "
    + ".visually-hidden-focusable, .dropdown-menu:not(.show), .collapse:not(.show)";
  const found = [];
  const reported = new Set();  // an element's descendants are not reported again
  const name = el => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    const classes = [...el.classList].slice(0, 3);
    if (classes.length) text += "." + classes.join(".");
    return text;
  };
  const path = el => {
    const parts = [];
    for (let node = el; node && node !== document.body && parts.length < 4;
         node = node.parentElement) {
      parts.unshift(name(node));
    }
    return parts.join(" > ");
  };
  const scrolls = el => {
    for (let node = el.parentElement; node && node !== document.body;
         node = node.parentElement) {
      const x = getComputedStyle(node).overflowX;
      if (x === "auto" || x === "scroll") return true;
    }
    return false;
  };
  const ownText = el => [...el.childNodes]
    .filter(node => node.nodeType === Node.TEXT_NODE)
    .map(node => node.textContent).join(" ").replace(/\s+/g, " ").trim();
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(UNSEEN)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (el.parentElement && reported.has(el.parentElement)) {
      reported.add(el);
      continue;
    }
    const text = (ownText(el) || el.innerText || "").replace(/\s+/g, " ").trim().slice(0, 60);
    if ((box.right > width + 1 || box.left < -1) && !scrolls(el)) {
      reported.add(el);
      const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
      found.push(`${path(el)} "${text}": reaches ${span} px of ${width}`);
      continue;
    }
    if (style.display === "inline" || el.matches("input, select, textarea, option, svg *")) {
      continue;
    }
    if (!ownText(el)) continue;
    const scrollable = style.overflowX === "auto" || style.overflowX === "scroll";
    if (el.scrollWidth > el.clientWidth + 1 && !scrollable) {
      reported.add(el);
      const sizes = `${el.scrollWidth} px wide in a box of ${el.clientWidth} px`;
      found.push(`${path(el)} "${text}": text ${sizes}`);
    }
  }
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth) {
    found.push(`the page is ${page} px wide in a window of ${window.innerWidth} px`);
  }
  return found;
}"""


# The browser's own locale too, as a reader of that language would have it: date fields
# and numbers the browser draws itself follow it.
BROWSER_LOCALES = {"en": "en-GB", "da": "da-DK", "fr": "fr-FR", "de": "de-DE"}


@pytest.fixture
def browser_in(browser, live_server):
    """`browser_in(language, width)`: a page in a browser set to that language."""
    contexts = []
    duplicates = []

    def open_page(language, width):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 900},
            locale=BROWSER_LOCALES[language],
        )
        context._portal_base_url = live_server.url
        contexts.append(context)
        page = context.new_page()
        duplicates.extend(watch_duplicate_ids(page))
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert duplicates == [], "pages with duplicate ids:\n" + "\n".join(duplicates)


@pytest.fixture
def pages(staff):
    """The four pages, each with the person who opens it."""
    workshop = WorkshopFactory(title="Frontier risks call 2027")
    organisation = OrganisationFactory(name="Centre for Frontier Model Evaluation")
    evaluator = UserFactory(email="eva@example.org", full_name="Eva Evaluator")
    MembershipFactory(user=evaluator, organisation=organisation, role="admin")
    draft = CompleteSubmissionFactory(
        workshop=workshop,
        organisation=organisation,
        contact=evaluator,
        title="Cyber-offence uplift of Model X",
    )
    reviewer = UserFactory(email="rui@example.org", full_name="Rui Reviewer")
    assignment = assign_for_review(
        workshop,
        reviewer,
        organisation=OrganisationFactory(name="Nordic AI Safety Institute"),
        title="Wet-lab uplift of Model X",
    )
    return {
        "dashboard": (reviewer, reverse("portal:dashboard")),
        "submission-form": (evaluator, reverse("submissions:edit", args=[draft.code])),
        "review-form": (reviewer, reverse("reviews:review_detail", args=[assignment.code])),
        "staff-submissions": (staff, reverse("submissions:staff_list", args=[workshop.code])),
    }


def _visit(page, user, url, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page.context.clear_cookies()
    login_as(page, user)
    response = page.goto(url)
    assert response.status == 200, url
    assert page.locator("html").get_attribute("lang") == language


def _check(browser_in, pages, language, width, shot_suffix=""):
    page = browser_in(language, width)
    problems = []
    for name, (user, url) in pages.items():
        _visit(page, user, url, language)
        problems += [
            f"{name} ({language}, {width} px): {line}" for line in page.evaluate(OVERFLOWS_JS)
        ]
        screenshot(page, f"95-{name}-{language}{shot_suffix}")
    return problems


@pytest.mark.parametrize("language", ["en", "da", "fr", "de"])
def test_nothing_overflows_at_1280_px(browser_in, pages, language):
    problems = _check(browser_in, pages, language, 1280)

    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["fr", "de"])
def test_nothing_overflows_at_375_px(browser_in, pages, language):
    problems = _check(browser_in, pages, language, 375, shot_suffix="-375")

    assert problems == [], "\n".join(problems)


def test_the_review_page_speaks_german_in_its_scripts_too(browser_in, pages):
    # The autosave's messages come from the JavaScript catalogue, in the page's language.
    page = browser_in("de", 1280)
    reviewer, url = pages["review-form"]
    _visit(page, reviewer, url, "de")

    assert page.evaluate("gettext('Your copy was restored.')") == (
        "Ihre Kopie wurde wiederhergestellt."
    )
    assert (
        page.evaluate("interpolate(gettext('Not saved: %(reason)s'), {reason: 'x'}, true)")
        == "Nicht gespeichert: x"
    )


def test_the_dashboard_names_the_time_zone_of_its_deadlines(browser_in, pages):
    page = browser_in("de", 1280)
    reviewer, url = pages["dashboard"]
    _visit(page, reviewer, url, "de")

    assert page.get_by_text("Fristen werden in Ihrer Zeitzone (Europe/Brussels) angezeigt.").count()


def test_the_check_finds_what_spills_and_what_widens_the_page(browser_in, live_server):
    page = browser_in("de", 375)
    page.goto(reverse("portal:privacy"))
    assert page.evaluate(OVERFLOWS_JS) == []

    # Styles set through the DOM: the Content-Security-Policy refuses style attributes.
    page.evaluate(
        """() => {
        const main = document.querySelector("main");
        const add = (tag, id, text, style) => {
          const el = document.createElement(tag);
          el.id = id;
          el.textContent = text;
          Object.assign(el.style, style);
          main.prepend(el);
        };
        add("p", "narrow", "Veröffentlichungskanal", {width: "60px", overflowWrap: "normal"});
        add("p", "cut", "Vertraulichkeit",
            {width: "60px", overflow: "hidden", whiteSpace: "nowrap"});
        add("div", "wide", "Risikobereiche", {width: "600px"});
      }"""
    )

    found = "\n".join(page.evaluate(OVERFLOWS_JS))
    assert 'p#narrow "Veröffentlichungskanal": text' in found
    assert 'p#cut "Vertraulichkeit": text' in found
    assert 'div#wide "Risikobereiche": reaches' in found
    assert "the page is" in found


def test_a_bid_is_confirmed_in_french(browser_in):
    # matching-bids.js takes its messages from the JavaScript catalogue.
    workshop = WorkshopFactory(title="Frontier risks call 2027")
    submission = CompleteSubmissionFactory(
        workshop=workshop, state="eligible", title="Wet-lab uplift of Model X"
    )
    reviewer = UserFactory(preferred_language="fr")
    approve(reviewer, workshop)
    page = browser_in("fr", 1280)
    login_as(page, reviewer)

    page.goto(reverse("assignment:bid_list", args=[workshop.code]))
    page.locator(f"select[name=bid-{submission.code}]").select_option("willing")

    status = page.locator(f'[data-bid-status="{submission.code}"]')
    status.filter(has_text="Enregistrée").wait_for()
    live = page.locator("#bid-live")
    live.filter(has_text="Offre sur Wet-lab uplift of Model X enregistrée.").wait_for()
    assert submission.bids.get().value == "willing"
