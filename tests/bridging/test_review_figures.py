"""Figures an outside reviewer checked against what they did: each test is a case where a page,
an export or the API said something other than what happened."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.funnel import funnel
from bridging.models import Enrolment, FollowUp

pytestmark = pytest.mark.django_db


def _accept(cast):
    return handovers.handover_accept(
        member=cast.member_a,
        first_session_on=timezone.localdate(),
        buddy="Frida",
        user=cast.staff_a,
    )


def _start_completed(cast):
    """Alma completes the course, is accepted at offer A and starts today."""
    Enrolment.objects.filter(pk=cast.enrolment_a.pk).update(status="completed")
    cast.follow_up_a.delete()
    _accept(cast)
    return handovers.handover_start(member=cast.member_a, started_on=timezone.localdate())


def _not_due(result):
    return {s["key"]: s.get("not_due") for s in result["stages"] if s["key"].startswith("active")}


def test_a_follow_up_the_programme_does_not_ask_is_never_not_yet_due(cast):
    """A programme that follows up at 3 months only: its 6 and 12 month stages have no one
    waiting for them (they showed everyone who started as "not yet due", for ever)."""
    cast.programme_a.follow_up_months = "3"
    cast.programme_a.save(update_fields=["follow_up_months"])
    _start_completed(cast)
    assert list(FollowUp.objects.filter(member=cast.member_a).values_list("months", flat=True)) == [
        3
    ]
    result = funnel(Enrolment.objects.filter(course=cast.course_a))
    assert _not_due(result) == {"active_3": 1, "active_6": 0, "active_12": 0}


def test_not_yet_due_is_the_started_whose_follow_up_is_still_ahead(cast):
    """With 3, 6 and 12 months asked: all three ahead on the start day; once the 3-month one is
    answered it is due (of 1 due) and the others are still ahead."""
    member = _start_completed(cast)
    result = funnel(Enrolment.objects.filter(course=cast.course_a))
    assert _not_due(result) == {"active_3": 1, "active_6": 1, "active_12": 1}
    FollowUp.objects.filter(member=member, months=3).update(
        answer="active", answered_at=timezone.now()
    )
    result = funnel(Enrolment.objects.filter(course=cast.course_a))
    assert _not_due(result) == {"active_3": 0, "active_6": 1, "active_12": 1}
    stages = {s["key"]: s for s in result["stages"]}
    assert (stages["active_3"]["count"], stages["active_3"]["due"]) == (1, 1)


def test_the_inbox_share_accepted_keeps_those_accepted_who_later_withdrew(client, cast):
    """The association accepted Alma; she then withdrew her consent to share with it. The
    association still accepted everyone it answered (the funnel counts her as accepted too);
    the share fell to 0 %."""
    _accept(cast)
    client.force_login(cast.coordinator_a)
    consent = cast.participant_a.consents.get(purpose="share_contact")
    response = client.post(
        reverse("participants:consent_withdraw", args=[cast.participant_a.pk, consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    cast.member_a.refresh_from_db()
    assert cast.member_a.status == "withdrawn"
    client.force_login(cast.staff_a)
    response = client.get(reverse("bridging:inbox"))
    assert response.context["accept_share"] == 100
    assert "accepterer 100 %" in response.content.decode()


def test_the_funnel_download_says_what_the_follow_up_shares_are_of(client, cast):
    """The page says "of 1 due" beside the share active; the download gave the share without
    its base, which "not yet due" no longer gives either (a month not asked has neither)."""
    member = _start_completed(cast)
    FollowUp.objects.filter(member=member, months=3).update(
        answer="active", answered_at=timezone.now()
    )
    client.force_login(cast.coordinator_a)
    response = client.get(reverse("bridging:funnel_export", args=[cast.programme_a.pk, "csv"]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Trin;Antal;Procent af tilmeldte;Procent af trinnet før;Med opfølgning;Endnu ikke tid"
    )
    rows = {line.split(";")[0]: line.split(";")[1:] for line in lines[1:]}
    assert rows["Aktiv efter 3 måneder"] == ["1", "100", "100", "1", "0"]
    assert rows["Aktiv efter 6 måneder"] == ["0", "0", "", "0", "1"]
    assert rows["Startet"] == ["1", "100", "100", "", ""]
