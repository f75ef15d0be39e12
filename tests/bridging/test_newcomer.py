"""A newcomer's start: the demo is seeded quietly, links in emails point at the address the
application really runs on, and the login page names the demo users only where they exist."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from bridging.demo.organisations import DEMO_USERS
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
DEMO_NAMES = [user[0] for user in DEMO_USERS]  # the users seed_demo makes


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_no_mail_and_says_only_what_matters(mailoutbox):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert mailoutbox == []  # the demo's handovers would otherwise notify invented people
    assert len(out.getvalue().splitlines()) <= 3


def _site_url(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    environment.update(env, DJANGO_SETTINGS_MODULE="bridging.settings")
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_links_in_emails_use_the_port_make_run_serves_on():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8311") == "http://127.0.0.1:8311"
    assert _site_url(PORT="8311", SITE_URL="https://bro.example.dk/") == "https://bro.example.dk"


def test_links_in_production_default_to_the_first_allowed_host():
    url = _site_url(DJANGO_ENV="production", ALLOWED_HOSTS="bro.example.dk,www.bro.example.dk",
                    SECRET_KEY="x" * 50)  # fmt: skip
    assert url == "https://bro.example.dk"


def test_make_run_passes_its_port_on():
    makefile = (ROOT / "Makefile").read_text()
    assert "export PORT" in makefile


@pytest.mark.django_db
def test_login_page_names_the_demo_users_when_the_demo_data_is_there(client):
    assert "koordinator" not in client.get(reverse("login")).content.decode()
    for name in DEMO_NAMES[:-1]:
        UserFactory(username=name)
    assert "koordinator" not in client.get(reverse("login")).content.decode()  # not all of them
    UserFactory(username=DEMO_NAMES[-1])
    page = client.get(reverse("login")).content.decode()
    assert "Prøv med demobrugerne" in page
    assert all(f"<code>{name}</code>" in page for name in DEMO_NAMES)


@pytest.mark.django_db
def test_login_page_never_names_demo_users_in_production(client, settings):
    for name in DEMO_NAMES:
        UserFactory(username=name)
    settings.PRODUCTION = True
    assert "koordinator" not in client.get(reverse("login")).content.decode()
