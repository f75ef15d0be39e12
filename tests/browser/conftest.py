import pytest


@pytest.fixture(autouse=True)
def short_timeouts(page):
    """Fail in seconds, not half a minute: every page here is served from this machine."""
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
