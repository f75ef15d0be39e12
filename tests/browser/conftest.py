import pytest

from tests.browser.demo_snapshot import fresh_demo
from tests.browser.helpers import STILL


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """The `page` fixture's context asks for reduced motion (helpers.STILL)."""
    return {**browser_context_args, **STILL}


@pytest.fixture(autouse=True)
def short_timeouts(request):
    """Fail in seconds, not half a minute: every page here is served from this machine."""
    if "page" in request.fixturenames:  # tests that open their own pages from `browser` set theirs
        page = request.getfixturevalue("page")
        page.set_default_timeout(5_000)
        page.set_default_navigation_timeout(10_000)


@pytest.fixture
def demo(transactional_db):
    """The demo data of `seed_demo`, whole, committed for the live server. Built once per test
    process and restored before each test (tests/browser/demo_snapshot.py), so what one test
    changes never reaches the next."""
    fresh_demo()
