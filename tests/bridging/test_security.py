"""Security baseline: headers, caching, health endpoint, error pages and the production profile."""

import datetime
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _production_env():
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "brobygning.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        "DEBUG": "",
    }


def test_check_deploy_passes_in_production_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**_production_env(), "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
client = Client(HTTP_HOST="brobygning.example.org")
response = client.get("/healthz", secure=True)
plain = client.get("/healthz")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "plain_status": plain.status_code,
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "cookie_age": settings.SESSION_COOKIE_AGE,
    "save_every_request": settings.SESSION_SAVE_EVERY_REQUEST,
}))
"""


def test_production_sends_hsts_redirects_to_https_and_uses_host_cookies():
    env = {**_production_env(), "DJANGO_SETTINGS_MODULE": "bridging.settings"}
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["status"] == 200
    assert probe["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert probe["plain_status"] == 301
    assert probe["session_cookie"] == "__Host-sessionid"
    assert probe["csrf_cookie"] == "__Host-csrftoken"
    assert probe["cookie_age"] == 30 * 60
    assert probe["save_every_request"] is True


def test_pages_carry_csp_frame_and_sniffing_headers(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_for_a_signed_in_user_are_not_stored_by_caches(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("bridging:coordinator_overview"))
    assert "no-store" in response.headers["Cache-Control"]


def test_healthz_answers_without_login_and_without_personal_data(client, cast):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "coordinator_a" not in response.content.decode()


def test_healthz_reports_503_when_the_database_fails(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503


def test_404_page_is_danish_and_generic(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Siden blev ikke fundet" in page
    assert '<html lang="da">' in page


def test_403_page_is_danish(client, cast):
    client.force_login(cast.staff_a)
    response = client.get(reverse("bridging:coordinator_overview"))
    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()


def test_csrf_failure_page_is_danish_and_generic():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formularen kunne ikke sendes" in page
    assert '<html lang="da">' in page
    assert "CSRF" not in page


def test_secrets_in_addresses_never_reach_the_log(client, cast, caplog):
    """Issue 12, item 8: Django's "Not Found" / "Gone" lines name the path."""
    from bridging.models import Questionnaire

    caplog.set_level("WARNING", logger="django.request")
    token = cast.questionnaire_token_a
    Questionnaire.objects.filter(pk=cast.questionnaire_a.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(reverse("bridging:questionnaire_answer", args=[token])).status_code == 410
    assert client.get(reverse("bridging:questionnaire_answer", args=["gæt"])).status_code == 404
    feed_secret = "calendarguess123"
    assert client.get(reverse("bridging:calendar_feed", args=[feed_secret])).status_code == 404
    lines = [record.getMessage() for record in caplog.records]
    assert "Gone: /q/[hidden]/" in lines
    assert "Not Found: /calendar/[hidden].ics" in lines
    logged = "\n".join(lines) + caplog.text
    for secret in (token, "gæt", feed_secret):
        assert secret not in logged


def _boom(request):
    raise RuntimeError("a bug with a secret in its message")


urlpatterns = [path("boom/", _boom)]


def test_500_page_is_danish_and_shows_no_traceback(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Noget gik galt" in page
    assert "secret" not in page
    assert "Traceback" not in page
