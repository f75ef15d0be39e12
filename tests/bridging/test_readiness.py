"""Exit readiness: scores, the exit-ready rule, assessments, questionnaires and who sees them."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import readiness
from bridging.models import INDICATORS, Assessment, Attendance, Questionnaire
from common.hashing import hash_secret
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

FIELDS = [i.field for i in INDICATORS]


def scores(**overrides):
    values = dict.fromkeys(FIELDS, 3)
    values.update(overrides)
    return values


def make(enrolment, source="staff", kind="midway", day=datetime.date(2026, 11, 1), **values):
    return Assessment.objects.create(
        enrolment=enrolment, source=source, kind=kind, assessed_on=day, **scores(**values)
    )


class TestScoresAndRule:
    def test_a_dimension_is_the_mean_of_its_indicators(self, cast):
        a = make(
            cast.enrolment_a,
            knows_offers=2,
            knows_purpose=3,
            joy_of_movement=4,
            progress=4,
            manages_in_offer=3,
            belonging=1,
            takes_part=4,
            has_vision=2,
        )
        assert a.dimension_scores == {
            "knowledge": 2.5,
            "engagement": 4,
            "vision": 2,
            "experiences": 3,
        }

    def test_disagreement_of_a_whole_step_is_flagged(self, cast):
        staff = make(cast.enrolment_a)
        own = make(cast.enrolment_a, source="self", has_vision=1, knows_offers=3, knows_purpose=2)
        assert readiness.disagreements(staff, own) == ["Vision"]


def post_assessment(client, enrolment, **overrides):
    data = {"kind": "midway", "assessed_on": "2026-11-20", "note": "Godt på vej",
            "note_has_vision": "Vil gerne prøve petanque", **scores(), **overrides}  # fmt: skip
    return client.post(reverse("bridging:assessment_create", args=[enrolment.pk]), data)


def test_instructor_records_a_midway_assessment_with_notes(client, cast):
    client.force_login(cast.instructor_a)
    response = post_assessment(client, cast.enrolment_a, has_vision=2)
    assert response.status_code == 302
    a = Assessment.objects.get(enrolment=cast.enrolment_a)
    assert (a.source, a.kind, a.assessed_by, a.has_vision) == (
        "staff",
        "midway",
        cast.instructor_a,
        2,
    )
    assert a.indicator_notes == {"has_vision": "Vil gerne prøve petanque"}


def test_assessment_form_shows_the_attendance_evidence_and_the_guide(client, cast):
    client.force_login(cast.instructor_a)
    page = client.get(reverse("bridging:assessment_create", args=[cast.enrolment_a.pk]))
    page = page.content.decode()
    assert "Hun møder op og er deltagende" in page
    assert "Fremmøde indtil nu" in page
    assert "Hvad fremmer udslusningsparathed" in page
    # The seed's list word for word, the instructor's four points under "Instruktøren:".
    guide = re.search(r'id="guide-heading".*?</ul>\s*</li>.*?</ul>', page, re.S).group(0)
    assert [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>([^<]*)", guide)] == [
        "Udslusning som mål er tydeligt kommunikeret i rekruttering og undervisning",
        "Udslusning er et tema i spørgeskemaer",
        "Udslusning er et tema i evt. undervisning eller ved snak efter træning",
        "Afvikling af Foreningsmesse med lokale aktører",
        "Der arbejdes med Holddannelse (relationer)",
        "Instruktøren:",
        "Kender deltagerne og deres motivation",
        "Kender lokalområdets muligheder",
        "Har ressourcer til vejledning af deltager",
        "Har ressourcer til samarbejde med lokal aktør",
        "Udslusning både til selvorganiseret aktivitet og organiseret aktivitet",
        "Individuel-, gruppe- eller holdudslusning gennem samarbejde med lokale aktører",
    ]


@pytest.mark.parametrize("bad", ["0", "5", "x", ""])
def test_scores_outside_the_scale_are_refused_in_danish(client, cast, bad):
    client.force_login(cast.instructor_a)
    response = post_assessment(client, cast.enrolment_a, belonging=bad)
    assert response.status_code == 200
    assert "Vælg et af de fire trin." in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_withdrawn_enrolment_cannot_be_assessed(client, cast):
    cast.enrolment_a.status = "withdrawn"
    cast.enrolment_a.withdrawn_reason = "Flyttet"
    cast.enrolment_a.save()
    client.force_login(cast.coordinator_a)
    response = post_assessment(client, cast.enrolment_a)
    assert "Kun deltagere, der er eller har været på holdet, kan vurderes." in (
        response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_an_instructor_cannot_assess_outside_their_courses(client, cast):
    client.force_login(cast.instructor_b)
    response = post_assessment(client, cast.enrolment_a)
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_association_staff_never_see_assessments(client, cast):
    make(cast.enrolment_a, note="Hemmelig vurdering")
    client.force_login(cast.staff_a)
    for url in [
        cast.participant_a.get_absolute_url(),
        reverse("bridging:course_readiness", args=[cast.course_a.pk]),
        reverse("bridging:assessment_create", args=[cast.enrolment_a.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Hemmelig vurdering" not in response.content.decode()


def test_participant_page_shows_chart_table_verdict_and_history(client, cast):
    make(cast.enrolment_a, kind="start", day=datetime.date(2026, 9, 1), has_vision=1)
    make(cast.enrolment_a, kind="midway", day=datetime.date(2026, 10, 15), has_vision=2)
    make(cast.enrolment_a, source="self", kind="start", day=datetime.date(2026, 9, 2))
    client.force_login(cast.instructor_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert '<svg viewBox="0 0 420' in page
    assert 'role="img" aria-labelledby="radar-' in page
    assert "Første vurdering (01.09.2026)" in page
    assert "Deltagerens egen vurdering (02.09.2026)" in page
    assert "Hun har en god ide om hvad hun vil og hvordan hun opnår det: delvist" in page
    assert "Deltageren vurderer sig selv anderledes på Vision." in page
    assert "Alle vurderinger" in page


class TestQuestionnaire:
    def answer(self, client, token, **overrides):
        data = {**scores(), "wishes_after": "Petanque med holdet", "known_offers": "Gåklubben",
                "continue_with_team": "yes", **overrides}  # fmt: skip
        return client.post(reverse("bridging:questionnaire_answer", args=[token]), data)

    def test_continuing_with_the_team_offers_three_answers_none_ticked_and_may_be_skipped(
        self, client, cast
    ):
        url = reverse("bridging:questionnaire_answer", args=[cast.questionnaire_token_a])
        page = client.get(url).content.decode()
        question = page[page.index("Vil du helst fortsætte sammen med andre fra holdet?") :]
        question = question[: question.index("</fieldset>")]
        assert question.count('type="radio"') == 3
        assert "---------" not in question and "checked" not in question
        assert "Nej" in question and "Det er lige meget" in question
        response = self.answer(client, cast.questionnaire_token_a, continue_with_team="")
        assert "Tak for dine svar" in response.content.decode()
        assert Assessment.objects.get(source="self").continue_with_team == ""

    def test_link_is_long_random_and_only_its_hash_is_stored(self, cast):
        token = cast.questionnaire_token_a
        assert len(token) >= 40
        assert cast.questionnaire_a.token_hash == hash_secret(token)
        assert token not in cast.questionnaire_a.token_hash

    def test_participant_answers_once_without_logging_in(self, client, cast):
        page = client.get(
            reverse("bridging:questionnaire_answer", args=[cast.questionnaire_token_a])
        )
        assert "Jeg ved hvilke tilbud der er i nærområdet" in page.content.decode()
        assert "Alma" not in page.content.decode()  # the page shows no personal data
        response = self.answer(client, cast.questionnaire_token_a)
        assert "Tak for dine svar" in response.content.decode()
        own = Assessment.objects.get(source="self")
        assert (own.enrolment, own.kind, own.wishes_after) == (
            cast.enrolment_a,
            "start",
            "Petanque med holdet",
        )
        again = self.answer(client, cast.questionnaire_token_a)
        assert again.status_code == 410
        assert "allerede besvaret" in again.content.decode()
        assert Assessment.objects.filter(source="self").count() == 1

    def test_an_expired_link_is_refused(self, client, cast):
        Questionnaire.objects.filter(pk=cast.questionnaire_a.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        response = self.answer(client, cast.questionnaire_token_a)
        assert response.status_code == 410
        assert "Linket er udløbet" in response.content.decode()
        assert not Assessment.objects.exists()

    def test_a_guessed_link_is_404(self, client, cast):
        guess = cast.questionnaire_token_a[:-1] + (
            "A" if cast.questionnaire_token_a[-1] != "A" else "B"
        )
        assert client.get(reverse("bridging:questionnaire_answer", args=[guess])).status_code == 404

    def test_an_incomplete_answer_is_refused_and_the_link_stays_open(self, client, cast):
        response = self.answer(client, cast.questionnaire_token_a, belonging="")
        assert "Vælg et af de fire trin." in response.content.decode()
        assert not Assessment.objects.exists()
        cast.questionnaire_a.refresh_from_db()
        assert not cast.questionnaire_a.is_answered

    def test_the_kind_of_questionnaire_is_chosen_in_a_styled_select_beside_its_label(
        self, client, cast
    ):
        """On a phone the browser's bare select was a small grey box beside the buttons."""
        client.force_login(cast.instructor_a)
        page = client.get(cast.participant_a.get_absolute_url()).content.decode()
        kind_id = f"id_q{cast.enrolment_a.pk}_kind"
        assert f'<label class="form-label small mb-0" for="{kind_id}">' in page
        select = page[page.index('<select name="kind"') :]
        select = select[: select.index(">")]
        assert 'class="form-select form-select-sm w-auto"' in select
        assert f'id="{kind_id}"' in select

    def test_coordinator_makes_a_link_and_sees_it_once(self, client, cast):
        client.force_login(cast.coordinator_a)
        response = client.post(
            reverse("bridging:questionnaire_create", args=[cast.enrolment_a.pk]), {"kind": "end"}
        )
        questionnaire = Questionnaire.objects.get(kind="end")
        page = client.get(response.url).content.decode()
        assert "/q/" in page
        assert "/q/" not in client.get(response.url).content.decode()
        assert questionnaire.expires_at > timezone.now() + datetime.timedelta(days=13)


class TestOnThisDevice:
    """Issue 12, item 3: handing the staff member's device to the participant."""

    def open_here(self, client, cast, token):
        url = reverse("bridging:questionnaire_open_here", args=[cast.questionnaire_a.pk])
        return client.post(url, {"token": token})

    def test_the_page_says_so_before(self, client, cast):
        client.force_login(cast.instructor_a)
        response = client.post(
            reverse("bridging:questionnaire_create", args=[cast.enrolment_a.pk]), {"kind": "end"}
        )
        page = client.get(response.url).content.decode()
        assert "Hvis du åbner det på denne enhed, bliver du logget ud først" in page
        assert "Log ud og åbn det på denne enhed" in page

    def test_opening_it_here_signs_the_staff_member_out_first(self, client, cast):
        client.force_login(cast.instructor_a)
        response = self.open_here(client, cast, cast.questionnaire_token_a)
        assert response.url == reverse(
            "bridging:questionnaire_answer", args=[cast.questionnaire_token_a]
        )
        assert "_auth_user_id" not in client.session
        participants = client.get(reverse("participants:participant_list"))
        assert participants.status_code == 302
        assert participants.url.startswith(reverse("login"))
        page = client.get(response.url).content.decode()
        assert "Jeg ved hvilke tilbud der er i nærområdet" in page
        assert "Alma" not in page

    def test_after_the_answer_the_device_shows_the_login_page(self, client, cast):
        client.force_login(cast.instructor_a)
        self.open_here(client, cast, cast.questionnaire_token_a)
        response = TestQuestionnaire().answer(client, cast.questionnaire_token_a)
        assert response.url == reverse("login")
        page = client.get(response.url).content.decode()
        assert "Tak for dine svar. Giv enheden tilbage" in page
        assert Assessment.objects.filter(source="self").count() == 1

    def test_a_wrong_token_or_anothers_questionnaire_is_404_and_nothing_changes(self, client, cast):
        client.force_login(cast.instructor_a)
        assert self.open_here(client, cast, "not-the-token").status_code == 404
        client.force_login(cast.instructor_b)
        assert self.open_here(client, cast, cast.questionnaire_token_a).status_code == 404
        assert client.session["_auth_user_id"] == str(cast.instructor_b.pk)


def test_course_overview_sorts_lowest_first_and_counts_the_exit_ready(client, cast):
    other = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a,
                             participant__first_name="Bodil")  # fmt: skip
    make(cast.enrolment_a, **dict.fromkeys(FIELDS, 4))
    make(other, has_vision=1)
    Attendance.objects.create(session=cast.session_a, enrolment=cast.enrolment_a, status="present")
    client.force_login(cast.instructor_a)
    response = client.get(reverse("bridging:course_readiness", args=[cast.course_a.pk]),
                          {"sort": "vision"})  # fmt: skip
    rows = response.context["rows"]
    assert [r["enrolment"] for r in rows] == [other, cast.enrolment_a]
    assert response.context["ready_count"] == 1
    page = response.content.decode()
    # Each score as the meter's value and as shown, in Danish; each name links to the person.
    assert 'value="1.00" aria-label="Vision 1,0"></meter> <span class="small">1,0</span>' in page
    assert 'value="4.00" aria-label="Vision 4,0"></meter> <span class="small">4,0</span>' in page
    assert f'<a href="{cast.participant_a.get_absolute_url()}">' in page


@pytest.mark.parametrize("extra", [0, 30])
def test_course_overview_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        make(enrolment, kind="start")
        make(enrolment, kind="midway")
        make(enrolment, source="self", kind="start")
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the course, 5 roster, 6 its attendance figures,
    # 7 all their assessments
    with django_assert_num_queries(7):
        assert (
            client.get(reverse("bridging:course_readiness", args=[cast.course_a.pk])).status_code
            == 200
        )
