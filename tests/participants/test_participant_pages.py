"""Registering, editing, finding and reading participants."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.models import INDICATORS, Assessment, Enrolment
from participants.models import Participant, ParticipantAccess
from partnerships.models import ActivityType, Membership
from tests.factories import (
    ConsentFactory,
    CourseFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

Action = ParticipantAccess.Action


def valid_data(**overrides):
    data = {
        "first_name": "Inger",
        "last_name": "Holm",
        "phone": "+45 12345678",
        "email": "inger@example.org",
        "address": "Byvej 3",
        "postcode": "2500",
        "city": "Valby",
        "birth_year": "1950",
        "gender": "female",
        "municipality": "København",
        "home_area": "Valby",
        "recruitment": "doctor",
        "health_notes": "Astma.",
        "preferred_weekdays": ["1", "3"],
        "preferred_times": ["morning"],
        "max_travel_km": "5",
        "max_monthly_fee": "150",
        "continue_with_team": "yes",
        "motivation": "Vil gerne danse igen.",
    }
    data.update(overrides)
    return data


def test_coordinator_registers_a_participant_in_the_own_project(client, cast):
    activity = ActivityType.objects.create(name="Dans")
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:participant_create"),
        valid_data(preferred_activities=[activity.pk], organisation=cast.project_b.pk),
    )
    participant = Participant.objects.get(first_name="Inger")
    assert response.status_code == 302
    assert response.url == reverse("participants:consent_create", args=[participant.pk])
    assert participant.organisation == cast.project_a  # the posted organisation is ignored
    assert participant.phone == "12 34 56 78"
    assert participant.preferred_weekdays == [1, 3]
    assert list(participant.preferred_activities.all()) == [activity]
    assert participant.created_by == cast.coordinator_a
    entry = ParticipantAccess.objects.get(participant=participant)
    assert (entry.user, entry.role, entry.action) == (cast.coordinator_a, "coordinator", "create")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "inger@", "Indtast en gyldig e-mailadresse."),
        ("phone", "1234", "Indtast et dansk telefonnummer på otte cifre"),
        ("birth_year", "1850", "Indtast et fødselsår fra 1900 og frem."),
        ("birth_year", "2999", "Indtast et fødselsår, der er passeret."),
        ("postcode", "12", "Indtast et dansk postnummer på fire cifre."),
        ("first_name", "", "Dette felt er påkrævet."),
    ],
)
def test_bad_input_answers_in_danish_keeps_the_input_and_saves_nothing(
    client, cast, field, value, message
):
    client.force_login(cast.coordinator_a)
    before = Participant.objects.count()
    response = client.post(reverse("participants:participant_create"), valid_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Holm"' in response.content.decode()
    assert Participant.objects.count() == before


def test_duplicate_participant_is_refused_with_a_link_to_the_existing_one(client, cast):
    existing = ParticipantFactory(
        organisation=cast.project_a,
        first_name="Inger",
        last_name="Holm",
        birth_year=1950,
        phone="12 34 56 78",
    )
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("participants:participant_create"),
        valid_data(first_name="inger", phone="12345678"),
    )
    page = response.content.decode()
    assert "En deltager med samme navn, fødselsår og telefon er allerede registreret." in page
    assert existing.get_absolute_url() in page
    assert Participant.objects.filter(first_name__iexact="inger").count() == 1


def test_the_same_person_may_be_registered_in_another_project(client, cast):
    ParticipantFactory(
        organisation=cast.project_b, first_name="Inger", last_name="Holm", birth_year=1950,
        phone="12 34 56 78",
    )  # fmt: skip
    client.force_login(cast.coordinator_a)
    response = client.post(reverse("participants:participant_create"), valid_data())
    assert response.status_code == 302


def test_editing_logs_the_changed_field_names_but_not_their_values(client, cast):
    client.force_login(cast.coordinator_a)
    participant = cast.participant_a
    data = valid_data(first_name=participant.first_name, last_name=participant.last_name,
                      health_notes="Ny diagnose: slidgigt")  # fmt: skip
    response = client.post(reverse("participants:participant_update", args=[participant.pk]), data)
    assert response.status_code == 302
    entry = ParticipantAccess.objects.get(participant=participant, action=Action.UPDATE)
    assert "health_notes" in entry.fields
    assert "slidgigt" not in entry.fields


def test_coordinator_of_b_cannot_edit_a_participant_of_a(client, cast):
    client.force_login(cast.coordinator_b)
    url = reverse("participants:participant_update", args=[cast.participant_a.pk])
    response = client.post(url, valid_data(first_name="Hacked"))
    assert response.status_code == 404
    cast.participant_a.refresh_from_db()
    assert cast.participant_a.first_name == "Alma"


def test_search_by_name_area_and_status(client, cast):
    ParticipantFactory(organisation=cast.project_a, first_name="Gudrun", last_name="Vinther",
                       home_area="Sydhavnen", withdrawn_on=datetime.date(2026, 1, 5),
                       withdrawn_reason="Flyttet")  # fmt: skip
    ParticipantFactory(organisation=cast.project_a, first_name="Gudrun", last_name="Ibsen",
                       home_area="Valby")  # fmt: skip
    client.force_login(cast.coordinator_a)
    url = reverse("participants:participant_list")

    def names(**query):
        page = client.get(url, query).context["page"]
        return [p.last_name for p in page.object_list]

    assert names(q="gudrun") == ["Ibsen", "Vinther"]
    assert names(q="gudrun vinth") == ["Vinther"]
    assert names(area="sydhavn") == ["Vinther"]
    assert names(status="withdrawn") == ["Vinther"]
    assert names(q="gudrun", status="recruited") == ["Ibsen"]


def test_list_shows_only_the_own_projects_participants_and_never_health_notes(client, cast):
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("participants:participant_list"))
    assert [p.pk for p in response.context["page"].object_list] == [cast.participant_a.pk]
    assert "Ny hofte." not in response.content.decode()


def test_health_notes_are_shown_to_the_coordinator_and_the_projects_instructor(client, cast):
    for user in [cast.coordinator_a, cast.instructor_a]:
        client.force_login(user)
        response = client.get(cast.participant_a.get_absolute_url())
        assert "Ny hofte." in response.content.decode()


def test_instructor_sees_only_their_courses_participants_unless_the_coordinator_allows_more(
    client, cast
):
    not_on_a_course = ParticipantFactory(organisation=cast.project_a, health_notes="Astma.")
    cast.project_a.instructors_see_participants = False
    cast.project_a.save(update_fields=["instructors_see_participants"])
    client.force_login(cast.instructor_a)
    response = client.get(not_on_a_course.get_absolute_url())
    assert response.status_code == 404
    assert "Astma." not in response.content.decode()
    listed = client.get(reverse("participants:participant_list")).context["page"].object_list
    assert list(listed) == [cast.participant_a]  # enrolled on the course instructor A teaches


def test_coordinator_turns_instructor_access_off_and_on(client, cast):
    client.force_login(cast.coordinator_a)
    client.post(reverse("participants:instructor_access"), {"allow": "0", "confirm": "on"})
    cast.project_a.refresh_from_db()
    assert cast.project_a.instructors_see_participants is False
    client.post(reverse("participants:instructor_access"), {"allow": "1"})
    cast.project_a.refresh_from_db()
    assert cast.project_a.instructors_see_participants is True


def test_instructor_reads_but_does_not_see_the_access_log_or_rights_actions(client, cast):
    client.force_login(cast.instructor_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "Adgangslog" not in page
    assert reverse("participants:participant_export_json", args=[cast.participant_a.pk]) not in page


def test_staff_never_see_participant_data(client, cast):
    client.force_login(cast.staff_a)
    for url in [
        reverse("participants:participant_list"),
        cast.participant_a.get_absolute_url(),
        reverse("participants:participant_export_json", args=[cast.participant_a.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Ny hofte." not in response.content.decode()
        assert "Alma" not in response.content.decode()


def test_viewing_a_participant_is_recorded_in_the_access_log(client, cast):
    client.force_login(cast.instructor_a)
    client.get(cast.participant_a.get_absolute_url())
    entry = ParticipantAccess.objects.get(participant=cast.participant_a)
    assert (entry.user, entry.role, entry.action) == (cast.instructor_a, "instructor", "view")
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "Adgangslog" in page
    assert "Læste oplysningerne" in page


def test_the_access_log_rows_say_when_who_in_which_role_and_what_with_names_escaped(client, cast):
    instructor = cast.instructor_a
    instructor.first_name, instructor.last_name = "<Ib & Co>", "Ø"
    instructor.save(update_fields=["first_name", "last_name"])
    client.force_login(instructor)
    client.get(cast.participant_a.get_absolute_url())
    ParticipantAccess.objects.create(
        participant=cast.participant_a, action=Action.EXPORT_LIST, fields="phone,registration"
    )
    entry = ParticipantAccess.objects.filter(user=instructor).get()
    when = timezone.localtime(entry.at).strftime("%d.%m.%Y %H:%M")
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    log = page.split('id="log-heading"')[1]
    assert (
        f'<tr><th scope="row" class="fw-normal">{when}</th>'
        '<td data-label="Hvem">&lt;Ib &amp; Co&gt; Ø (instruktør)</td>'
        '<td data-label="Hvad">Læste oplysningerne</td></tr>'
    ) in log
    assert (
        "(system)</td>" in log
        and "Eksporterede i en liste: telefon, registrering i forløbet" in log
    )


@pytest.mark.parametrize("extra", [0, 30])
def test_participant_list_query_budget(client, cast, django_assert_num_queries, extra):
    ParticipantFactory.create_batch(extra, organisation=cast.project_a)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 count for the paginator, 5 the page
    with django_assert_num_queries(5):
        assert client.get(reverse("participants:participant_list")).status_code == 200


def test_participant_list_pages_keep_the_order_and_show_each_rows_status(client, cast, monkeypatch):
    from participants import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    ParticipantFactory(organisation=cast.project_a, first_name="Zenia", last_name="Zornig")
    client.force_login(cast.coordinator_a)
    first = client.get(reverse("participants:participant_list"))
    pages = first.context["page"].paginator.num_pages
    rows = {}
    for number in range(1, pages + 1):
        response = client.get(reverse("participants:participant_list"), {"page": number})
        (row,) = response.context["page"]
        rows[(row.last_name, row.first_name)] = row.__dict__["status"]  # annotated, no query
    assert list(rows) == sorted(rows) and len(rows) == pages
    assert rows[("Zornig", "Zenia")] == "recruited"


def test_the_page_lists_the_participants_own_wished_activities_by_name(client, cast):
    dance, walk = (ActivityType.objects.create(name=name) for name in ("Dans", "Gang"))
    cast.participant_a.preferred_activities.set([walk, dance])
    other = ParticipantFactory(organisation=cast.project_a)
    other.preferred_activities.set([ActivityType.objects.create(name="Zumba")])
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert '<dd class="col-sm-7">Dans, Gang</dd>' in page and "Zumba" not in page
    page = client.get(other.get_absolute_url()).content.decode()  # the same query, other values
    assert '<dd class="col-sm-7">Zumba</dd>' in page and "Gang" not in page


@pytest.mark.parametrize("extra", [0, 15])
def test_participant_page_query_budget(client, cast, django_assert_num_queries, extra):
    participant = cast.participant_a
    participant.preferred_activities.set(
        [ActivityType.objects.create(name=f"Aktivitet {i}") for i in range(extra)]
    )
    client.force_login(cast.coordinator_a)
    for _ in range(extra):
        MembershipFactory(organisation=cast.project_a, role=Membership.Role.INSTRUCTOR)
        ConsentFactory(participant=participant, purpose="share_contact",
                       organisation=OrganisationFactory(kind="association"))  # fmt: skip
        client.get(participant.get_absolute_url())  # grows the access log
        Assessment.objects.create(
            enrolment=cast.enrolment_a, kind="ad_hoc", source="staff",
            **dict.fromkeys([i.field for i in INDICATORS], 3),
        )  # fmt: skip
    # 1 session, 2 user, 3 own memberships, 4 the participant, 5 log the view,
    # 6 consents with organisation and recorders (the summary's next step, the section and
    # the timeline), 7 the enrolments with their marks counted, 8 their assessments, 9 their
    # attendance figures (read once for the summary, the courses, the readiness and the
    # timeline), 10 timeline: fair interests, 11-12 the handovers and their follow-ups (read
    # once for the summary's next step, the open handover, and the timeline),
    # 13 preferred activities, 14 the access log with users, 15 the lists the participant
    # was exported in (ListAccess) with their users
    with django_assert_num_queries(15):
        assert client.get(participant.get_absolute_url()).status_code == 200


def _next_step(page: str) -> str:
    """The summary's next step: the page's one primary action."""
    assert page.count("btn btn-primary") == 1
    return page.split('class="card card-body next-step')[1].split("</div>")[0]


def test_the_page_opens_with_a_summary_and_the_next_step_as_its_one_primary_action(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    summary = page.split('id="summary-heading"')[1].split("</section>")[0]
    assert "Hold A" in summary and "Fremmøde" in summary and "Parathed" in summary
    step = _next_step(page)  # handed over: the handover is where the journey goes on
    assert cast.member_a.handover.get_absolute_url() in step and "Se udslusningen" in step
    enrolment = EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
    ConsentFactory(participant=enrolment.participant)
    step = _next_step(client.get(enrolment.participant.get_absolute_url()).content.decode())
    assert reverse("bridging:assessment_create", args=[enrolment.pk]) in step  # not assessed
    # The rest is folded away under its headings.
    assert '<details class="page-section">\n  <summary><h2 id="consents-heading">' in page

    newcomer = ParticipantFactory(organisation=cast.project_a)
    step = _next_step(client.get(newcomer.get_absolute_url()).content.decode())
    assert "Samtykket til registrering i forløbet mangler." in step
    assert reverse("participants:consent_create", args=[newcomer.pk]) in step
    ConsentFactory(participant=newcomer)
    step = _next_step(client.get(newcomer.get_absolute_url()).content.decode())
    assert "Tilmeld hold" in step


def test_the_next_step_follows_the_handover_to_its_follow_ups(client, cast):
    """Handed over: the handover, not "Matching offers"; started: the follow-up that can be
    answered now, and nothing once it is answered and the next is months away."""
    Enrolment.objects.filter(pk=cast.enrolment_a.pk).update(status="completed")
    client.force_login(cast.coordinator_a)
    url = cast.participant_a.get_absolute_url()
    step = _next_step(client.get(url).content.decode())
    assert f"{cast.member_a.handover.get_absolute_url()}#member-{cast.member_a.pk}" in step
    assert reverse("participants:matching_offers", args=[cast.participant_a.pk]) not in step
    handovers.handover_accept(
        member=cast.member_a, first_session_on=None, buddy="", user=cast.staff_a
    )
    handovers.handover_start(member=cast.member_a, started_on=timezone.localdate())
    step = _next_step(client.get(url).content.decode())  # the 3 months' one is due
    assert "Besvar opfølgningen" in step and "efter 3 måneder" in step
    handovers.follow_up_answer(
        follow_up=cast.follow_up_a, answer="active", stop_reason="", user=cast.coordinator_a
    )
    page = client.get(url).content.decode()
    assert "next-step" not in page and "btn btn-primary" not in page


def test_the_instructor_is_offered_the_assessment_not_the_consent(client, cast):
    client.force_login(cast.instructor_a)
    step = _next_step(client.get(cast.participant_a.get_absolute_url()).content.decode())
    assert reverse("bridging:assessment_create", args=[cast.enrolment_a.pk]) in step


def test_an_instructor_sees_the_courses_they_may_see_and_the_timeline_lists_every_one(client, cast):
    other = CourseFactory(programme=cast.programme_a, name="Hold uden instruktør A")
    EnrolmentFactory(course=other, participant=cast.participant_a)
    for user, courses in [(cast.coordinator_a, 2), (cast.instructor_a, 1)]:
        client.force_login(user)
        page = client.get(cast.participant_a.get_absolute_url()).content.decode()
        section = page.split('id="courses-heading"')[1].split("</details>")[0]
        assert ("Hold uden instruktør A" in section) is (courses == 2)
        assert "Hold A" in section
        timeline = page.split('id="timeline-heading"')[1].split("</details>")[0]
        assert "Hold uden instruktør A" in timeline and "Hold A" in timeline


def test_the_summarys_course_is_the_one_its_attendance_and_readiness_are_of(client, cast):
    # On course A's team and waiting for a later course: the summary's course card names the
    # course whose attendance and readiness the cards beside it show, not the waitlist.
    starts = cast.course_a.start_date + datetime.timedelta(weeks=20)
    later = CourseFactory(
        programme=cast.programme_a, name="Hold Senere", capacity=1, start_date=starts
    )
    EnrolmentFactory(course=later, participant__organisation=cast.project_a)
    EnrolmentFactory(course=later, participant=cast.participant_a, status="waitlisted")
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    summary = page.split('id="summary-heading"')[1].split("</section>")[0]
    assert "Hold A" in summary and "Fremmøde" in summary
    assert "Hold Senere" not in summary
