"""On a 320 px phone (the narrowest in use) no page scrolls sideways, no table hides a column
out of sight to the right (in a box that scrolls sideways), no table's caption is squeezed into
a narrow column, no chart text is smaller than 12 px, and every button, field, disclosure and
check box or radio button (with its label) is a touch target of at least 44 x 44 CSS px; the
pages whose tables become stacked rows stay free of WCAG 2.1 A/AA violations.

Each demo role walks every kind of page it can reach by following links from its start page,
one page per URL pattern (/participants/7/ and /participants/8/ are the same page), in one
browser with one context per role.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.helpers import axe_violations, new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 568}
ROLES = ["koordinator", "instruktor", "forening", "boligsocial"]
# Files rather than pages, pages that leave the site, and the admin. Every page is checked,
# the A4 attendance sheet too (its names x dates grid scrolls inside its own box on a phone).
SKIP = re.compile(
    r"(\.csv|\.json|\.ics|\.xlsx|/export\.|/admin/|/i18n/|/logout|/api/|/hsds/|/q/|"
    r"/calendar/|format=)"
)
MAX_PAGES_PER_ROLE = 80
# Pages whose wide tables turn into stacked rows on a phone, and the pages with key figures
# and folded sections: checked with axe-core as a phone shows them.
STACKED = re.compile(
    r"^/(courses/<id>/|courses/<id>/readiness/|programmes/<id>/funnel/|handovers/|local/|"
    r"participants/<id>/export/|programmes/<id>/|participants/<id>/|overview/|my-courses/|"
    r"organisations/<id>/|agreements/<id>/|participants/|organisations/|"
    r"organisations/<id>/members/|courses/<id>/handovers/new/)$"
)

# What each page reports: how wide the document is, and its smallest chart text.
MEASURE = """() => {
  const texts = [...document.querySelectorAll('svg text')].filter(t => t.getBBox().width > 0);
  // As drawn: the font size times the scale of the chart's viewBox on the screen.
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(e => !e.closest('.table-responsive, .visually-hidden, .visually-hidden-focusable'))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
  // A shown caption squeezed to a narrow column (one word a line) above a stacked table.
  const squeezed = [...document.querySelectorAll('caption')]
    .filter(c => !c.closest('.visually-hidden') && !c.classList.contains('visually-hidden'))
    .filter(c => c.getBoundingClientRect().width > 0)
    .filter(c => c.getBoundingClientRect().width < 0.6 * c.closest('table').clientWidth)
    .map(c => c.textContent.trim().slice(0, 40));
  const box = e => e.getBoundingClientRect();
  const shown = e => box(e).width > 0 && getComputedStyle(e).visibility !== 'hidden'
    && !e.closest('.visually-hidden, .visually-hidden-focusable');
  // A table cell out of sight to the right, scrolled away in its box (the printable attendance
  // sheet is a paper form: its names x dates grid scrolls on purpose).
  const cut = [...document.querySelectorAll('td, th')].filter(shown)
    .filter(c => !c.closest('.attendance-sheet'))
    .filter(c => box(c).right > document.documentElement.clientWidth + 1)
    .slice(0, 3).map(c => c.textContent.trim().slice(0, 30));
  // Touch targets under 44 x 44 CSS px; a check box or radio button counts with its label.
  const small = [...document.querySelectorAll(
      '.btn, .navbar-toggler, .form-control, .form-select, summary, .form-check-input')]
    .filter(e => !e.classList.contains('btn-check'))
    .map(e => e.classList.contains('form-check-input') && e.labels.length ? e.labels[0] : e)
    .filter(shown).filter(e => box(e).height < 43.5 || box(e).width < 43.5)
    .slice(0, 3).map(e => `${e.textContent.trim().slice(0, 30) || e.id} `
      + `${Math.round(box(e).width)}x${Math.round(box(e).height)}`);
  return {scroll: document.documentElement.scrollWidth, wide, squeezed, cut, small,
          smallest: sizes.length ? Math.min(...sizes) : null};
}"""


def _pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def _walk(page, base: str) -> tuple[list[str], list[str]]:
    """Follow same-site links from the start page; return the pages seen and the problems."""
    seen, problems, queue = set(), [], [f"{base}/"]
    visited = []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        key = _pattern(urlsplit(url).path)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        visited.append(path)
        measured = page.evaluate(MEASURE)
        if measured["scroll"] > PHONE["width"]:
            problems.append(f"{path} is {measured['scroll']} px wide: {measured['wide']}")
        if measured["cut"]:
            problems.append(f"{path} hides table cells to the right: {measured['cut']}")
        if measured["small"]:
            problems.append(f"{path} has touch targets under 44 px: {measured['small']}")
        if measured["squeezed"]:
            problems.append(f"{path} squeezes its table's caption: {measured['squeezed']}")
        if measured["smallest"] is not None and measured["smallest"] < 12:
            problems.append(f"{path} has chart text of {measured['smallest']:.1f} px")
        if STACKED.match(key):
            problems += [f"{path}: {v['id']} {v['nodes'][:2]}" for v in axe_violations(page)]
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            target = urljoin(url, href).split("#")[0]
            new = _pattern(urlsplit(target).path) not in seen
            if target.startswith(base) and not SKIP.search(target) and new:
                queue.append(target)
    return visited, problems


# What each role's walk must reach (so it cannot pass by seeing nothing): at least so many
# pages, among them these.
MUST_REACH = {
    "koordinator": (25, ["/readiness/", "/funnel/"]),
    "instruktor": (8, []),
    "forening": (4, []),
    "boligsocial": (1, ["/local/"]),
}


# A test per role, so the two test processes can share the walks (the coordinator's is the
# longest).
@pytest.mark.parametrize("username", ROLES)
def test_no_page_of_a_role_scrolls_sideways_on_a_phone(browser, live_server, demo, username):
    context = new_context(browser, viewport=PHONE, locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    visited, problems = _walk(page, live_server.url)
    context.close()
    assert problems == [], "\n".join(problems)
    least, paths = MUST_REACH[username]
    assert len(visited) >= least, visited
    for path in paths:
        assert any(path in seen for seen in visited), (path, visited)
