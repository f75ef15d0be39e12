"""Logging in, out, failing and being locked out, through the real login form."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_coordinator_logs_in_and_lands_on_the_overview(client, cast):
    response = login(client, "coordinator_a", PASSWORD)
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("bridging:coordinator_overview")
    assert response.context["user"] == cast.coordinator_a
    assert AccessLog.objects.filter(username="coordinator_a").exists()


def test_login_rotates_the_session_key(client, cast):
    client.get(reverse("login"))
    client.session["probe"] = True
    before = client.session.session_key
    login(client, "coordinator_a", PASSWORD)
    assert client.session.session_key != before


def test_wrong_password_answers_in_danish_and_the_attempt_is_logged(client, cast):
    response = login(client, "coordinator_a", "not the password")
    assert response.status_code == 200
    assert "Forkert brugernavn eller adgangskode" in response.content.decode()
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="coordinator_a")
    assert attempt.failures_since_start == 1


def test_repeated_failures_lock_the_username_out_even_with_the_right_password(
    client, cast, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "coordinator_a", "not the password")
    response = login(client, "coordinator_a", PASSWORD)
    assert response.status_code == 429
    assert "For mange mislykkede loginforsøg" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_so_a_colleague_can_still_log_in(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "coordinator_a", "not the password")
    response = login(client, "instructor_a", PASSWORD)
    assert response.status_code == 302


# --- Behind one trusted reverse proxy (issue 12, item 4) ---------------------------------------

PROXY = "10.0.0.2"


def login_through_proxy(client, username, password, forwarded_for):
    """As the proxy passes it on: its own address as the peer, the client's appended last."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_failures_from_one_client_do_not_lock_out_another_behind_the_proxy(
    client, cast, settings, one_proxy
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_proxy(client, "coordinator_a", "not the password", "203.0.113.9")
    assert AccessAttempt.objects.get(username="coordinator_a").ip_address == "203.0.113.9"
    response = login_through_proxy(client, "coordinator_a", PASSWORD, "198.51.100.7")
    assert response.status_code == 302


def test_a_forged_forwarded_for_neither_frames_another_client_nor_escapes_the_lockout(
    client, cast, settings, one_proxy
):
    # The attacker writes the victim's address (and then others) into the header; the proxy
    # appends the attacker's real one, which is what counts.
    for n in range(settings.AXES_FAILURE_LIMIT):
        forged = f"198.51.100.{n}, 203.0.113.9"
        login_through_proxy(client, "coordinator_a", "not the password", forged)
    response = login_through_proxy(client, "coordinator_a", PASSWORD, "198.51.100.99, 203.0.113.9")
    assert response.status_code == 429
    response = login_through_proxy(client, "coordinator_a", PASSWORD, "198.51.100.0")
    assert response.status_code == 302


def test_without_a_configured_proxy_the_header_is_ignored(client, cast, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_through_proxy(client, "coordinator_a", "not the password", f"198.51.100.{n}")
    response = login_through_proxy(client, "coordinator_a", PASSWORD, "198.51.100.99")
    assert response.status_code == 429


# --- An absolute session lifetime besides the idle timeout (issue 12, item 8) -------------------


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, cast, settings):
    assert settings.SESSION_ABSOLUTE_AGE == 12 * 60 * 60
    client.force_login(cast.coordinator_a)  # the clock starts
    overview = reverse("bridging:coordinator_overview")
    session = client.session
    session["signed_in_at"] -= 12 * 60 * 60 - 60  # eleven hours and 59 minutes ago
    session.save()
    assert client.get(overview).status_code == 200
    session = client.session
    session["signed_in_at"] -= 2 * 60  # now 12 hours and a minute
    session.save()
    response = client.get(overview)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Du har været logget ind længe; log ind igen." in page


def test_logout_ends_the_session(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_a_deactivated_users_next_request_is_anonymous(client, cast):
    client.force_login(cast.coordinator_a)
    cast.coordinator_a.is_active = False
    cast.coordinator_a.save(update_fields=["is_active"])
    response = client.get(reverse("bridging:coordinator_overview"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_rejects_a_short_password_in_danish(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "kort1", "new_password2": "kort1"},
    )
    assert response.status_code == 200
    assert "Denne adgangskode er for kort" in response.content.decode()
    cast.coordinator_a.refresh_from_db()
    assert cast.coordinator_a.check_password(PASSWORD)


def test_password_reset_mails_a_link_and_no_other_personal_data(client, cast, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "coordinator_a@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "/accounts/reset/" in body
    assert cast.coordinator_a.last_name not in body
    assert "Vælg en ny adgangskode" in mailoutbox[0].subject
