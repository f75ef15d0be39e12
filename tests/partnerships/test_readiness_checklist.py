"""The two-sided partnership readiness checklist."""

import pytest
from django.urls import reverse

from partnerships.models import READINESS_ITEMS, ReadinessAnswer

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
    client.force_login(cast.coordinator_a)
    client.post(url(cast), {"r_admin-answer": "no", "r_admin-note": "Bruger papir",
                            "p_ready-answer": "yes"})  # fmt: skip
    answer = ReadinessAnswer.objects.get(item="r_admin")
    assert (answer.answer, answer.note, answer.answered_by) == ("no", "Bruger papir",
                                                                cast.coordinator_a)  # fmt: skip
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
    client.force_login(cast.coordinator_a)
    response = client.post(
        url(cast), {"r_admin-answer": "yes", "r_fee-answer": "maybe"}, follow=True
    )
    assert "Vælg ja, delvist eller nej." in response.content.decode()
    assert not ReadinessAnswer.objects.exists()


def test_other_projects_and_associations_get_404(client, cast):
    for user in (cast.coordinator_b, cast.staff_b, cast.instructor_a):
        client.force_login(user)
        assert client.get(url(cast)).status_code == 404
