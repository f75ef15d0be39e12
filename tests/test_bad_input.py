"""Bad input is answered, never a server error: NUL characters anywhere, raw values that are
not what a view expects (issue 12, item 14)."""

import pytest
from django.db import DatabaseError, transaction
from django.forms.models import BaseModelForm
from django.urls import reverse
from django.utils.html import escape

from bridging.models import Enrolment
from participants.models import Participant
from partnerships.models import PartnershipAgreement, ReadinessAnswer
from tests.factories import CourseFactory
from tests.test_forms_keep_what_was_typed import ENGLISH, _refused_forms
from tests.test_fuzz_forms import _fields_and_user, _form_urls, fingerprint

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "NUL-tegn"


def test_a_nul_in_a_readiness_note_is_refused_with_a_danish_message(client, cast):
    client.force_login(cast.coordinator_a)
    url = f"/readiness/{cast.project_a.pk}/{cast.association_a.pk}/"
    response = client.post(url, {"p_pace-answer": "yes", "p_pace-note": "a\x00b"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert not ReadinessAnswer.objects.exists()


def test_a_nul_in_the_calendar_address_without_login_is_a_400(client, cast):
    response = client.get("/calendar/%00.ics")
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_a_url_parameter_is_a_400(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get("/participants/", {"q": "Al\x00ma"})
    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


def test_a_nul_in_a_form_field_saves_nothing(client, cast):
    client.force_login(cast.coordinator_a)
    before = Participant.objects.count()
    response = client.post(
        "/participants/new/",
        {"first_name": "Ny\x00", "last_name": "Person", "birth_year": 1950, "municipality": "K",
         "status": "recruited"},
    )  # fmt: skip
    assert response.status_code == 400
    assert Participant.objects.count() == before


def test_an_agreement_with_a_receiver_that_is_not_a_number_is_a_form_error(client, cast):
    client.force_login(cast.coordinator_a)
    before = PartnershipAgreement.objects.count()
    response = client.post("/agreements/new/", {"receiver": "abc", "starts_on": "2026-01-01"})
    assert response.status_code == 200
    assert "receiver" in response.context["form"].errors
    assert PartnershipAgreement.objects.count() == before


def test_the_funnel_for_a_course_that_is_not_a_number_is_a_404(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get(f"/programmes/{cast.programme_a.pk}/funnel/", {"course": "abc"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "²", "1.5", "-1"])
def test_the_handover_form_with_an_odd_offer_value_is_answered(client, cast, value):
    client.force_login(cast.coordinator_a)
    url = f"/courses/{cast.course_a.pk}/handovers/new/"
    assert client.get(url, {"offer": value}).status_code == 200
    assert client.post(url, {"offer": value, "mode": "individual"}).status_code == 200


def test_a_readiness_note_over_500_characters_is_refused_not_cut(client, cast):
    client.force_login(cast.coordinator_a)
    url = f"/readiness/{cast.project_a.pk}/{cast.association_a.pk}/"
    response = client.post(url, {"p_pace-answer": "yes", "p_pace-note": "x" * 501}, follow=True)
    assert "højst være på 500 tegn" in response.content.decode()
    assert not ReadinessAnswer.objects.exists()
    client.post(url, {"p_pace-answer": "yes", "p_pace-note": "x" * 500})
    assert ReadinessAnswer.objects.get().note == "x" * 500


def test_an_empty_post_to_every_form_is_answered_in_danish_and_saves_nothing(client, cast):
    """A POST with no fields at all (a crafted request, or a form left wholly empty or
    unticked) to each form of the project, found as the odd-posts test finds them
    (tests/test_fuzz_forms.py), as the first role that may use it. A page shown again must carry
    its form, bound, with its errors in Danish, and no row changed; a redirect must say what
    happened (a message of this request); a refusal (400, 403, 404, 405) changes nothing. Forms
    without fields (such as "Gennemfør holdet") may do their work: each post is rolled back, so
    it takes no later form away (a sent agreement can no longer be edited)."""
    client.raise_request_exception = False
    problems, answered_with_errors = [], 0
    for name in _form_urls():
        with transaction.atomic():
            url, user, _fields = _fields_and_user(client, cast, name)
            if user is None:
                continue
            client.force_login(user)
            before = fingerprint()
            response = client.post(url, {})
            problem = _empty_post_problem(response, before)
            answered_with_errors += problem is None and response.status_code == 200
            if problem:
                problems.append((name, problem))
            transaction.set_rollback(True)
    assert not problems, "\n".join(f"{name}: {problem}" for name, problem in problems)
    assert answered_with_errors >= 30  # the sweep reached the forms


def test_an_empty_post_to_enrol_a_participant_is_answered_with_the_course_fields_message(
    client, cast
):
    """The sweep above meets this form with no course to choose (the cast's participant is on
    the only one), where the page says so; here there is one."""
    CourseFactory(programme=cast.programme_a, status="planned")
    client.force_login(cast.coordinator_a)
    before = Enrolment.objects.count()
    response = client.post(f"/participants/{cast.participant_a.pk}/enrol/", {})
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    assert Enrolment.objects.count() == before


def _empty_post_problem(response, before):
    """What is wrong with the answer to an empty post, or None."""
    if response.status_code >= 500:
        return response.status_code
    if response.status_code in (400, 403, 404, 405):
        return None if fingerprint() == before else f"{response.status_code} but changed rows"
    if response.status_code == 302:
        # The messages this request added (a redirect shows them on the next page).
        said = response.wsgi_request._messages._queued_messages
        return None if said else "redirected without a word"
    if not (forms := _refused_forms(response)):
        return f"{response.status_code} without a form's errors"
    page = response.content.decode()
    errors = [escape(m) for form in forms for field in form.errors.values() for m in field]
    if fingerprint() != before:
        return "refused but changed rows"
    if not any(error in page for error in errors):
        return "the errors are not shown"
    if english := [text for text in ENGLISH if text in page]:
        return f"errors in English: {english}"
    return None


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        ("bridging:fair_update",
         lambda cast: {"name": "Omdøbt", "date": "2026-12-01", "place": "Hal",
                       "organisations": [cast.association_a.pk]}, "name"),
        ("partnerships:agreement_update",
         lambda cast: {"starts_on": "2026-01-01", "ends_on": "2026-12-31",
                       "project_contact": "Omdøbt", "receiver_contact": "Frida"},
         "project_contact"),
    ],
)  # fmt: skip
def test_an_update_whose_lists_fail_to_save_leaves_the_row_as_it_was(
    client, cast, monkeypatch, url_name, data, field
):
    """A form saves its row and then each many-to-many list: if a list fails (the database
    refuses it), the row's change is undone with it, not left half-saved."""
    obj = cast.fair_a if url_name == "bridging:fair_update" else cast.agreement_a
    before = getattr(obj, field)
    client.force_login(cast.coordinator_a)
    client.raise_request_exception = False
    posted = data(cast)
    # The same post saves when nothing fails (so the failure below is the lists').
    with transaction.atomic():
        assert client.post(reverse(url_name, args=[obj.pk]), posted).status_code == 302
        transaction.set_rollback(True)

    def fail(form):
        raise DatabaseError("the list could not be saved")

    monkeypatch.setattr(BaseModelForm, "_save_m2m", fail)
    response = client.post(reverse(url_name, args=[obj.pk]), posted)
    assert response.status_code == 500
    obj.refresh_from_db()
    assert getattr(obj, field) == before != "Omdøbt"
