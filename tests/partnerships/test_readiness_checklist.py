"""The two-sided partnership readiness checklist."""

import pytest
from django.urls import reverse

from partnerships.models import READINESS_ITEMS, ReadinessAnswer
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def url(cast):
    return reverse(
        "partnerships:readiness_checklist", args=[cast.project_a.pk, cast.association_a.pk]
    )


def test_the_checklist_holds_every_item_word_for_word(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(url(cast)).content.decode()
    assert len(READINESS_ITEMS) == 20
    for text in [
        "Har et administrativt system der kan tilpasses ny aktivitet",
        "Kan afvikle aktivitet samme sted, samme tid med samme indhold",
        "Vil tilpasse kontingent og lave overskuelig opkrævningsmetode",
        "Forstår hvor de kommer fra (projektet)",
        "Vil gå i dialog med aftageren og facilitere forankringsprocessen",
        "Forstår aftagerens karakter og arbejdsmåde",
    ]:
        assert text in page


def test_answers_are_dated_by_whom_and_gaps_shown_per_side(client, cast):
    client.force_login(cast.staff_a)
    client.post(url(cast), {"r_admin-answer": "no", "r_admin-note": "Bruger papir"})
    answer = ReadinessAnswer.objects.get(item="r_admin")
    assert (answer.answer, answer.note, answer.answered_by) == ("no", "Bruger papir",
                                                                cast.staff_a)  # fmt: skip
    client.force_login(cast.coordinator_a)
    client.post(url(cast), {"p_ready-answer": "yes"})
    sides = client.get(url(cast)).context["sides"]
    receiver_gaps = [item.key for item, _a in sides[0]["gaps"]]
    project_gaps = [item.key for item, _a in sides[1]["gaps"]]
    assert "r_admin" in receiver_gaps
    assert "p_ready" not in project_gaps
    assert (sides[0]["answered"], sides[1]["answered"]) == (1, 1)


def test_a_changed_answer_keeps_the_history_and_an_unchanged_one_adds_nothing(client, cast):
    client.force_login(cast.staff_a)
    client.post(url(cast), {"r_fee-answer": "partly"})
    client.post(url(cast), {"r_fee-answer": "partly"})
    client.post(url(cast), {"r_fee-answer": "yes"})
    assert list(ReadinessAnswer.objects.values_list("answer", flat=True)) == ["partly", "yes"]


def test_an_unknown_answer_saves_nothing(client, cast):
    client.force_login(cast.staff_a)
    response = client.post(
        url(cast), {"r_admin-answer": "yes", "r_fee-answer": "maybe"}, follow=True
    )
    assert "Vælg ja, delvist eller nej." in response.content.decode()
    assert not ReadinessAnswer.objects.exists()


def test_other_projects_and_associations_get_404(client, cast):
    for user in (cast.coordinator_b, cast.staff_b, cast.instructor_a):
        client.force_login(user)
        assert client.get(url(cast)).status_code == 404


# --- Each party answers its own side (issue 12, item 6) -----------------------------------------


@pytest.mark.parametrize(
    ("role", "data"),
    [
        ("staff_a", {"p_ready-answer": "yes"}),
        ("staff_a", {"r_fee-answer": "yes", "p_pace-answer": "no"}),
        ("staff_a", {"p_pace-note": "Projektet er for hurtigt"}),
        ("coordinator_a", {"r_admin-answer": "yes"}),
        ("coordinator_a", {"p_ready-answer": "yes", "r_fee-answer": "no"}),
    ],
)
def test_the_other_partys_side_is_refused_and_nothing_is_saved(client, cast, role, data):
    client.force_login(cast.user(role))
    assert client.post(url(cast), data).status_code == 403
    assert not ReadinessAnswer.objects.exists()


def test_each_party_sees_the_other_side_read_only(client, cast):
    ReadinessAnswer.objects.create(
        project=cast.project_a, receiver=cast.association_a, item="p_pace", answer="partly",
        note="Vi tager det roligt", answered_by=cast.coordinator_a,
    )  # fmt: skip
    client.force_login(cast.staff_a)
    page = client.get(url(cast)).content.decode()
    assert 'name="r_admin-answer"' in page
    assert 'name="p_pace-answer"' not in page
    assert "Delvist (Vi tager det roligt)" in page
    client.force_login(cast.coordinator_a)
    page = client.get(url(cast)).content.decode()
    assert 'name="p_pace-answer"' in page
    assert 'name="r_admin-answer"' not in page


def test_coordinator_answers_for_a_receiver_without_staff_users(client, cast):
    receiver = OrganisationFactory(name="Gåklubben", kind="self_organised")
    client.force_login(cast.coordinator_a)
    response = client.post(
        reverse("partnerships:readiness_checklist", args=[cast.project_a.pk, receiver.pk]),
        {"r_admin-answer": "yes", "p_ready-answer": "partly"},
    )
    assert response.status_code == 302
    assert ReadinessAnswer.objects.filter(receiver=receiver).count() == 2
