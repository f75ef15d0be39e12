"""One bridge at a time (issue 11, item 7): someone already on their way in a handover joins
another only with a stated reason; the proposing page shows where each participant stands and
warns about those not exit-ready. And item 8's "propose a handover to this offer" from the
participant's matching offers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bridging import handovers
from bridging.models import FollowUp, Handover, HandoverParticipant
from participants.hooks import timeline
from tests.factories import ConsentFactory, EnrolmentFactory, OfferFactory

pytestmark = pytest.mark.django_db

REASON = "Tilbud A er kun om lørdagen; hun vil også gå til gymnastik."


def propose(cast, mode, offer, enrolments, **extra):
    return handovers.handover_propose(
        course=cast.course_a,
        mode=mode,
        enrolments=enrolments,
        offer=offer,
        user=cast.coordinator_a,
        meeting_place="Parken",
        **extra,
    )


def consenting(cast, organisation, **kwargs):
    enrolment = EnrolmentFactory(
        course=cast.course_a, participant__organisation=cast.project_a, **kwargs
    )
    ConsentFactory(
        participant=enrolment.participant, purpose="share_contact", organisation=organisation
    )
    return enrolment


@pytest.fixture
def offer_b_side(cast):
    """A second offer, at association A (participant A consents to sharing with it)."""
    return OfferFactory(organisation=cast.association_a, name="Gymnastik A")


@pytest.mark.parametrize("mode", ["individual", "group", "team", "self_organised"])
def test_a_second_open_handover_needs_a_reason_in_every_mode(cast, offer_b_side, mode):
    enrolments = [cast.enrolment_a]
    if mode != "individual":
        enrolments.append(consenting(cast, cast.association_a))
    offer = None if mode == "self_organised" else offer_b_side
    with pytest.raises(handovers.OverlapError, match="Allerede i en åben udslusning: Alma"):
        propose(cast, mode, offer, enrolments, send_now=True)
    assert Handover.objects.count() == 1  # only the cast's: nothing saved
    handover = propose(cast, mode, offer, enrolments, send_now=True, overlap_reason=REASON)
    reasons = dict(handover.members.values_list("participant", "overlap_reason"))
    assert reasons[cast.participant_a.pk] == REASON
    # Only the one already on their way carries the reason.
    assert all(reason == "" for pk, reason in reasons.items() if pk != cast.participant_a.pk)


def test_a_blank_reason_counts_as_none(cast, offer_b_side):
    with pytest.raises(handovers.OverlapError):
        propose(cast, "individual", offer_b_side, [cast.enrolment_a], overlap_reason="   ")


def test_proposed_accepted_and_started_are_open_declined_and_stopped_are_not(cast, offer_b_side):
    member = cast.member_a  # sent
    open_ids = lambda: set(handovers.open_handovers([cast.participant_a.pk]))  # noqa: E731
    assert open_ids() == {member}
    handovers.handover_accept(
        member=member, first_session_on=timezone.localdate(), buddy="Frida", user=cast.staff_a
    )
    assert open_ids() == {member}
    member = handovers.handover_start(member=member, started_on=timezone.localdate())
    assert open_ids() == {member}
    follow_up = FollowUp.objects.filter(member=member).order_by("months").first()
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=timezone.localdate())
    handovers.follow_up_answer(
        follow_up=follow_up, answer="stopped", stop_reason="Flyttet", user=cast.staff_a
    )
    assert open_ids() == set()
    # Stopped: a new bridge needs no reason.
    handover = propose(cast, "individual", offer_b_side, [cast.enrolment_a])
    assert handover.members.get().overlap_reason == ""


def test_after_a_decline_no_reason_is_needed(cast, offer_b_side):
    handovers.handover_decline(member=cast.member_a, reason="full", note="", user=cast.staff_a)
    assert propose(cast, "individual", offer_b_side, [cast.enrolment_a]).members.count() == 1


class TestProposingPage:
    def url(self, cast):
        return reverse("bridging:handover_create", args=[cast.course_a.pk])

    def test_the_page_shows_where_each_one_stands_and_warns_about_not_exit_ready(
        self, client, cast, offer_b_side
    ):
        client.force_login(cast.coordinator_a)
        page = client.get(self.url(cast), {"offer": offer_b_side.pk}).content.decode()
        sent_on = timezone.localdate(cast.member_a.sent_at)
        assert "På vej" in page
        assert f"Udsluset til Tilbud A, Forening A den {sent_on.day}. " in page
        assert "OBS: ikke udslusningsparat" in page
        assert "Hvorfor sende videre, når deltageren allerede er på vej et andet sted" in page

    def test_no_reason_gives_a_danish_message_at_the_field_and_keeps_what_was_typed(
        self, client, cast, offer_b_side
    ):
        client.force_login(cast.coordinator_a)
        data = {
            "mode": "individual",
            "offer": offer_b_side.pk,
            "enrolments": [cast.enrolment_a.pk],
            "note": "Ring til hende først",
            "send_now": "on",
        }
        response = client.post(self.url(cast), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["overlap_reason"][0].startswith(
            "Allerede i en åben udslusning: Alma Andersen (udsluset til Tilbud A, Forening A den"
        )
        assert "Ring til hende først" in response.content.decode()
        assert Handover.objects.count() == 1
        response = client.post(self.url(cast), {**data, "overlap_reason": REASON})
        member = HandoverParticipant.objects.get(handover__offer=offer_b_side)
        assert response.url == member.handover.get_absolute_url()
        assert (member.status, member.overlap_reason) == ("sent", REASON)
        detail = client.get(response.url).content.decode()
        assert f"Sendt videre, mens en anden udslusning var åben: {REASON}" in detail
        titles = [f"{event.title} {event.detail}" for event in timeline(cast.participant_a)]
        assert any(f"Mens en anden udslusning var åben: {REASON}" in line for line in titles)

    @pytest.mark.parametrize("extra", [0, 12])
    def test_query_budget(self, client, cast, offer_b_side, django_assert_num_queries, extra):
        for _number in range(extra):
            enrolment = consenting(cast, cast.association_a)
            propose(cast, "individual", cast.offer_a, [enrolment], send_now=True)
        client.force_login(cast.coordinator_a)
        # 1 session, 2 user, 3 own memberships, 4 the course, 5 the chosen offer, 6 the roster,
        # 7 attendance figures, 8 assessed and exit-ready (the SQL rule), 9 open handovers,
        # 10 consents, 11 wished activities, 12 agreement, 13 the chosen offer in the search
        # field, 14 activity types (the continuing offer's organisation is searched for: no
        # query until then)
        with django_assert_num_queries(14):
            response = client.get(self.url(cast), {"offer": offer_b_side.pk})
        assert response.content.decode().count("På vej") == extra + 1


class TestFromTheMatchingOffers:
    def test_the_coordinator_proposes_a_handover_to_a_matching_offer(
        self, client, cast, offer_b_side
    ):
        client.force_login(cast.coordinator_a)
        page = client.get(reverse("participants:matching_offers", args=[cast.participant_a.pk]))
        url = (
            reverse("bridging:handover_create", args=[cast.course_a.pk])
            + f"?mode=individual&amp;offer={offer_b_side.pk}&amp;enrolment={cast.enrolment_a.pk}"
        )
        html = page.content.decode()
        assert "Foreslå udslusning til dette tilbud" in html
        assert url in html
        form = client.get(url.replace("&amp;", "&")).content.decode()
        assert f'value="{cast.enrolment_a.pk}" id="enrolment-{cast.enrolment_a.pk}" checked' in form
        assert f'name="offer" value="{offer_b_side.pk}"' in form
        assert "Gymnastik A · Forening A" in form

    def test_an_instructor_or_someone_on_no_course_gets_no_link(self, client, cast):
        client.force_login(cast.instructor_a)
        page = client.get(reverse("participants:matching_offers", args=[cast.participant_a.pk]))
        assert "Foreslå udslusning" not in page.content.decode()
        client.force_login(cast.coordinator_a)
        cast.enrolment_a.status = "waitlisted"
        cast.enrolment_a.save(update_fields=["status"])
        page = client.get(reverse("participants:matching_offers", args=[cast.participant_a.pk]))
        assert "Foreslå udslusning" not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_proposing_the_same_person_at_once_cannot_both_skip_the_reason(cast):
    """Against PostgreSQL: the participant row is locked while their open handovers are
    counted, so of two proposals at once without a reason, one waits and is then refused."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    handovers.handover_decline(member=cast.member_a, reason="full", note="", user=cast.staff_a)
    offers = [OfferFactory(organisation=cast.association_a) for _ in range(2)]
    barrier, results = threading.Barrier(2), []

    def attempt(offer):
        try:
            barrier.wait()
            propose(cast, "individual", offer, [cast.enrolment_a])
            results.append("ok")
        except handovers.OverlapError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert HandoverParticipant.objects.filter(status="proposed").count() == 1


def test_the_date_in_the_state_is_the_day_it_happened(cast):
    member = cast.member_a
    HandoverParticipant.objects.filter(pk=member.pk).update(
        sent_at=timezone.make_aware(datetime.datetime(2026, 11, 3, 10))
    )
    member.refresh_from_db()
    assert handovers.state_label(member) == "Udsluset til Tilbud A, Forening A den 3. november 2026"
