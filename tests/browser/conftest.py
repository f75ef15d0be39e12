import pytest
from playwright.sync_api import expect

from tests.browser.demo_snapshot import fresh_demo
from tests.browser.helpers import STILL, TIMEOUT

expect.set_options(timeout=TIMEOUT)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The `page` fixture's context asks for reduced motion (helpers.STILL)."""
    return {**browser_context_args, **STILL}


@pytest.fixture(autouse=True)
def short_timeouts(request):
    """Wait `helpers.TIMEOUT`, not Playwright's half a minute (contexts made with
    `helpers.new_context` wait as long)."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(TIMEOUT)


@pytest.fixture
def demo(transactional_db):
    """The demo data of `seed_demo`, whole, committed for the live server. Built once per test
    process and restored before each test (tests/browser/demo_snapshot.py), so what one test
    changes never reaches the next."""
    fresh_demo()
