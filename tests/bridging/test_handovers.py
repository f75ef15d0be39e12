"""The bridge: proposing, the consent gate, every transition, the inbox, reminders, follow-ups,
the funnel and the exports."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bridging import handovers
from bridging.figures import exit_ready_ids
from bridging.funnel import breakdown, breakdowns, funnel
from bridging.models import (
    Assessment,
    Enrolment,
    FollowUp,
    Handover,
    HandoverParticipant,
    Programme,
)
from bridging.models.readiness import INDICATORS
from bridging.services import JourneyError
from bridging.views import funnel as funnel_views
from bridging.views.handovers import INBOX_GROUPS_PER_PAGE
from participants.models import ListAccess, ListSet, ListSetParticipant, ParticipantAccess
from participants.services import set_digest
from partnerships.models import Organisation
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    OfferFactory,
    OrganisationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


def step(client, member, action, **data):
    return client.post(
        reverse("bridging:handover_transition", args=[member.pk, action]), data, follow=True
    )


def fresh(member):
    return HandoverParticipant.objects.get(pk=member.pk)


def enrol_with_consent(cast, organisation, **participant):
    enrolment = EnrolmentFactory(
        course=cast.course_a,
        participant__organisation=cast.project_a,
        **{f"participant__{k}": v for k, v in participant.items()},
    )
    ConsentFactory(
        participant=enrolment.participant, purpose="share_contact", organisation=organisation
    )
    return enrolment


def hand_over_one_more(cast, mode="individual", send=False):
    """One more participant of course A, with consent to share, proposed to offer A (and sent):
    the larger of a query-count test's two sizes, or one more handover on a page."""
    member = handovers.handover_propose(
        course=cast.course_a,
        mode=mode,
        offer=cast.offer_a,
        enrolments=[enrol_with_consent(cast, cast.association_a)],
        user=cast.coordinator_a,
    ).members.get()
    if send:
        handovers.handover_send(member=member)
    return member


class TestProposing:
    def test_a_participant_without_consent_cannot_be_included_and_the_page_says_why(
        self, client, cast
    ):
        no_consent = EnrolmentFactory(
            course=cast.course_a,
            participant__organisation=cast.project_a,
            participant__first_name="Uden",
        )
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:handover_create", args=[cast.course_a.pk])
        page = client.get(url, {"offer": cast.offer_a.pk}).content.decode()
        why = "intet samtykke til at dele navn og kontaktoplysninger med Forening A"
        assert f"Kan ikke komme med: {why}" in page
        response = client.post(
            url,
            {
                "mode": "group",
                "offer": cast.offer_a.pk,
                "enrolments": [no_consent.pk],
                "send_now": "on",
            },
        )
        assert "intet samtykke til at dele navn og kontaktoplysninger" in response.content.decode()
        assert Handover.objects.count() == 1  # only the cast's

    def test_the_teams_rows_escape_what_was_typed(self, client, cast):
        enrol_with_consent(cast, cast.association_a, first_name="<b>Bo</b>", last_name='"E"')
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:handover_create", args=[cast.course_a.pk])
        page = client.get(url, {"offer": cast.offer_a.pk}).content.decode()
        assert "<b>Bo</b>" not in page
        assert "&lt;b&gt;Bo&lt;/b&gt; &quot;E&quot;" in page

    def test_each_row_says_whether_staff_found_them_exit_ready(self, client, cast):
        """Not assessed, assessed but not yet, exit-ready: from the SQL rule, row by row."""
        scores = {"Ulla": None, "Vera": 1, "Yrsa": 4}  # the programme's minimum is 3
        Programme.objects.filter(pk=cast.programme_a.pk).update(minimum_attendance=0)
        for name, score in scores.items():
            enrolment = enrol_with_consent(cast, cast.association_a, first_name=name)
            if score is not None:
                Assessment.objects.create(
                    enrolment=enrolment, kind="midway", source="staff",
                    **dict.fromkeys([i.field for i in INDICATORS], score),
                )  # fmt: skip
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:handover_create", args=[cast.course_a.pk])
        page = client.get(url).content.decode()
        rows = {name: page.split(f">{name} ", 1)[1].split("</tr>", 1)[0] for name in scores}
        assert "Ikke vurderet" in rows["Ulla"] and "Endnu ikke" not in rows["Ulla"]
        assert "Endnu ikke" in rows["Vera"] and "OBS: ikke udslusningsparat" in rows["Vera"]
        assert '"Udslusningsparat">Ja</td>' in rows["Yrsa"]  # the value, named on a phone
        assert "ikke udslusningsparat" not in rows["Yrsa"]

    def test_a_paused_offer_or_a_withdrawn_participant_is_refused(self, cast):
        paused = OfferFactory(organisation=cast.association_a, is_active=False)
        with pytest.raises(JourneyError, match="sat på pause"):
            handovers.handover_propose(
                course=cast.course_a,
                mode="individual",
                offer=paused,
                enrolments=[cast.enrolment_a],
                user=cast.coordinator_a,
            )
        withdrawn = enrol_with_consent(cast, cast.association_a)
        Enrolment.objects.filter(pk=withdrawn.pk).update(status="withdrawn", withdrawn_reason="x")
        withdrawn.refresh_from_db()
        with pytest.raises(JourneyError, match="ikke på holdet"):
            handovers.handover_propose(
                course=cast.course_a,
                mode="individual",
                offer=cast.offer_a,
                enrolments=[withdrawn],
                user=cast.coordinator_a,
            )
        assert Handover.objects.count() == 1

    def test_coordinator_hands_the_whole_team_over_to_a_continuing_offer(self, client, cast):
        second = enrol_with_consent(cast, cast.association_a)
        client.force_login(cast.coordinator_a)
        response = client.post(
            reverse("bridging:continuing_offer_create", args=[cast.course_a.pk]),
            {"organisation": cast.association_a.pk, "activity_type": cast.offer_a.activity_type_id},
        )
        offer = cast.association_a.offers.get(name="Hold A (fortsætter)")
        assert (offer.weekdays, offer.start_time, offer.venue) == (
            [cast.course_a.weekday],
            cast.course_a.start_time,
            cast.course_a.venue,
        )
        assert f"offer={offer.pk}" in response.url
        response = client.post(
            reverse("bridging:handover_create", args=[cast.course_a.pk]),
            {
                "mode": "team",
                "offer": offer.pk,
                "enrolments": [cast.enrolment_a.pk, second.pk],
                "send_now": "on",
                # The cast's participant is already on their way to Tilbud A.
                "overlap_reason": "Hele holdet fortsætter; Tilbud A er kun om lørdagen.",
            },
        )
        handover = Handover.objects.get(offer=offer)
        assert response.url == handover.get_absolute_url()
        assert set(handover.members.values_list("status", flat=True)) == {"sent"}
        assert dict(handover.members.values_list("participant", "overlap_reason")) == {
            cast.participant_a.pk: "Hele holdet fortsætter; Tilbud A er kun om lørdagen.",
            second.participant_id: "",
        }

    def test_the_offer_is_found_by_search_and_told_apart_from_its_namesakes(
        self, client, cast, django_assert_num_queries
    ):
        other = OrganisationFactory(kind=Organisation.Kind.ASSOCIATION, name="Anden klub")
        name = "Dans for seniorer, hold 2"
        OfferFactory(organisation=cast.association_a, name=name, fee=600, fee_period="half_year")
        OfferFactory(organisation=other, name=name, fee=0)
        OfferFactory(organisation=other, name="Noget helt andet")
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:handover_offer_suggestions")
        # 1 session, 2 user, 3 own memberships, 4 a page of matches
        with django_assert_num_queries(4):
            page = client.get(url, {"offer_q": "dans seniorer"}).content.decode()
        assert page.count('type="radio"') == 2
        assert f"{name} · {cast.association_a.name} · " in page
        assert "100 kr. pr. måned" in page
        assert f"{name} · Anden klub · " in page
        assert "Gratis" in page
        assert "Noget helt andet" not in page
        # The proposing page lists no offer until one is chosen or searched for.
        form = client.get(reverse("bridging:handover_create", args=[cast.course_a.pk]))
        assert "Noget helt andet" not in form.content.decode()
        # Without JavaScript, the searched text comes back as its matches.
        searched = client.get(
            reverse("bridging:handover_create", args=[cast.course_a.pk]), {"offer_q": "helt andet"}
        )
        assert "Noget helt andet · Anden klub" in searched.content.decode()

    def test_no_continuing_offer_at_an_organisation_the_project_does_not_work_with(
        self, client, cast
    ):
        stranger = OrganisationFactory(kind=Organisation.Kind.ASSOCIATION, name="Fremmed klub")
        client.force_login(cast.coordinator_a)
        page = client.get(reverse("bridging:handover_create", args=[cast.course_a.pk]))
        assert "Fremmed klub" not in page.content.decode()
        client.post(
            reverse("bridging:continuing_offer_create", args=[cast.course_a.pk]),
            {"organisation": stranger.pk, "activity_type": cast.offer_a.activity_type_id},
        )
        assert not stranger.offers.exists()

    def test_the_continuing_offers_organisation_is_found_by_search_among_partners(
        self, client, cast, django_assert_num_queries
    ):
        OrganisationFactory(kind=Organisation.Kind.ASSOCIATION, name="Fremmed klub")
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:continuing_offer_organisation_suggestions")
        # 1 session, 2 user, 3 own memberships, 4 a page of matches
        with django_assert_num_queries(4):
            page = client.get(url, {"organisation_q": "klub"}).content.decode()
        assert "Fremmed klub" not in page
        page = client.get(url, {"organisation_q": cast.association_a.name}).content.decode()
        assert f'value="{cast.association_a.pk}"' in page
        # The proposing page lists no organisation until one is searched for.
        form_url = reverse("bridging:handover_create", args=[cast.course_a.pk])
        page = client.get(form_url).content.decode()
        assert 'name="organisation_q"' in page
        assert 'name="organisation"' not in page
        # Without JavaScript, the typed name comes back as its matches to choose from.
        response = client.post(
            reverse("bridging:continuing_offer_create", args=[cast.course_a.pk]),
            {"organisation_q": cast.association_a.name, "activity_type": ""},
            follow=True,
        )
        page = response.content.decode()
        assert f'value="{cast.association_a.pk}"' in page
        assert "Vælg aftageren og aktiviteten." in page
        assert not cast.association_a.offers.filter(name__endswith="(fortsætter)").exists()

    def test_a_self_organised_group_needs_a_meeting_place(self, cast):
        with pytest.raises(JourneyError, match="hvor den selvorganiserede gruppe mødes"):
            handovers.handover_propose(
                course=cast.course_a,
                mode="self_organised",
                offer=None,
                enrolments=[cast.enrolment_a],
                user=cast.coordinator_a,
            )


class TestTransitions:
    def test_accept_start_and_follow_ups_are_planned(self, client, cast, mailoutbox):
        cast.follow_up_a.delete()
        client.force_login(cast.staff_a)
        response = step(
            client, cast.member_a, "accept", first_session_on="2026-12-02", buddy="Frida"
        )
        assert "Alma Andersen er accepteret." in response.content.decode()
        member = fresh(cast.member_a)
        assert (member.status, member.buddy, member.answered_by) == (
            "accepted",
            "Frida",
            cast.staff_a,
        )
        cast.offer_a.refresh_from_db()
        assert cast.offer_a.free_places == 4
        step(client, member, "start", started_on=timezone.localdate().isoformat())
        member = fresh(member)
        assert member.status == "started"
        months = sorted(FollowUp.objects.filter(member=member).values_list("months", flat=True))
        assert months == [3, 6, 12]
        assert FollowUp.objects.get(member=member, months=3).due_on == handovers.add_months(
            member.started_on, 3
        )

    @pytest.mark.parametrize(
        ("status", "action", "data"),
        [
            ("sent", "start", {"started_on": "today"}),  # not accepted
            ("accepted", "accept", {"first_session_on": "2026-12-02", "buddy": "F"}),
            ("accepted", "decline", {"reason": "full"}),
            ("declined", "accept", {"first_session_on": "2026-12-02", "buddy": "F"}),
            ("started", "decline", {"reason": "other"}),
        ],
    )
    def test_transitions_out_of_order_are_refused_and_change_nothing(
        self, client, cast, status, action, data
    ):
        HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
            status=status, decline_reason="other"
        )
        if data.get("started_on") == "today":  # Copenhagen's day as the test runs
            data = {**data, "started_on": timezone.localdate().isoformat()}
        client.force_login(cast.staff_a)
        response = step(client, cast.member_a, action, **data)
        assert "Dette trin er ikke muligt nu" in response.content.decode()
        assert fresh(cast.member_a).status == status

    def test_declining_needs_a_reason_from_the_list(self, client, cast):
        client.force_login(cast.staff_a)
        response = step(client, cast.member_a, "decline", reason="bored")
        assert "Vælg en grund til afvisningen." in response.content.decode()
        step(client, cast.member_a, "decline", reason="full", note="Fuldt til foråret")
        member = fresh(cast.member_a)
        assert (member.status, member.decline_reason) == ("declined", "full")

    def test_accepting_beyond_the_free_places_is_refused(self, client, cast):
        cast.offer_a.free_places = 0
        cast.offer_a.save(update_fields=["free_places"])
        client.force_login(cast.staff_a)
        response = step(client, cast.member_a, "accept", first_session_on="2026-12-02", buddy="F")
        assert "Tilbuddet har ingen ledige pladser" in response.content.decode()
        assert fresh(cast.member_a).status == "sent"

    def test_a_follow_up_is_answered_once(self, client, cast):
        client.force_login(cast.staff_a)
        url = reverse("bridging:follow_up_answer", args=[cast.follow_up_a.pk])
        client.post(url, {"answer": "stopped", "stop_reason": "Flyttet"})
        response = client.post(url, {"answer": "active"}, follow=True)
        assert "Denne opfølgning er allerede besvaret." in response.content.decode()
        cast.follow_up_a.refresh_from_db()
        assert (cast.follow_up_a.answer, cast.follow_up_a.stop_reason) == ("stopped", "Flyttet")

    def test_staff_of_another_association_get_404_and_nothing_changes(self, client, cast):
        client.force_login(cast.staff_b)
        response = client.post(
            reverse("bridging:handover_transition", args=[cast.member_a.pk, "decline"]),
            {"reason": "full"},
        )
        assert response.status_code == 404
        assert fresh(cast.member_a).status == "sent"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_staff_accepting_the_last_free_place_at_once_only_one_succeeds(cast):
    cast.offer_a.free_places = 1
    cast.offer_a.save(update_fields=["free_places"])
    second = enrol_with_consent(cast, cast.association_a)
    other = handovers.handover_propose(
        course=cast.course_a,
        mode="individual",
        offer=cast.offer_a,
        enrolments=[second],
        user=cast.coordinator_a,
    ).members.get()
    handovers.handover_send(member=other)
    barrier = threading.Barrier(2)
    results = []

    def accept(member):
        try:
            barrier.wait()
            handovers.handover_accept(
                member=member,
                first_session_on=datetime.date(2026, 12, 2),
                buddy="F",
                user=cast.staff_a,
            )
            results.append("accepted")
        except JourneyError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(m,)) for m in (cast.member_a, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["accepted", "refused"]
    cast.offer_a.refresh_from_db()
    assert cast.offer_a.free_places == 0
    assert HandoverParticipant.objects.filter(status="accepted").count() == 1


class TestInbox:
    def test_staff_see_name_consented_contact_and_wishes_but_never_health_or_assessments(
        self, client, cast
    ):
        Assessment.objects.create(
            enrolment=cast.enrolment_a,
            kind="midway",
            source="staff",
            note="Hemmelig vurdering",
            **dict.fromkeys([i.field for i in INDICATORS], 2),
        )
        client.force_login(cast.staff_a)
        response = client.get(reverse("bridging:inbox"))
        page = response.content.decode()
        assert "Alma Andersen" in page
        assert cast.participant_a.email in page
        assert "Ny hofte." not in page  # health notes
        assert "Hemmelig vurdering" not in page
        assert "Vil gerne kunne gå en tur" not in page  # motivation is not needed there

    def test_contact_details_disappear_when_consent_is_withdrawn(self, client, cast):
        from participants.models import Consent

        Consent.objects.filter(purpose="share_contact").update(withdrawn_on=timezone.localdate())
        client.force_login(cast.staff_a)
        page = client.get(reverse("bridging:inbox")).content.decode()
        assert cast.participant_a.email not in page
        assert "Projektet sætter jer i forbindelse." in page

    def test_other_associations_do_not_see_the_handover(self, client, cast):
        client.force_login(cast.staff_b)
        assert "Alma" not in client.get(reverse("bridging:inbox")).content.decode()

    def test_response_figures(self, client, cast):
        handovers.handover_accept(
            member=cast.member_a,
            first_session_on=datetime.date(2026, 12, 2),
            buddy="F",
            user=cast.staff_a,
        )
        client.force_login(cast.staff_a)
        response = client.get(reverse("bridging:inbox"))
        assert response.context["accept_share"] == 100
        assert response.context["reply_days"] == 0

    @pytest.mark.parametrize("extra", [0, 12])
    def test_inbox_query_budget(self, client, cast, django_assert_num_queries, extra):
        for _ in range(extra):
            hand_over_one_more(cast, send=True)
        client.force_login(cast.staff_a)
        # 1 session, 2 user, 3 own memberships, 4 a page of the handovers with people waiting,
        # with how many wait in how many handovers (also for the navigation), 5 the people
        # waiting in them with participants and their sharing consents, 6 those handovers with
        # their offers and projects, 7 wished activities, 8 response figures with the accepted
        # counted (none here: no page read), 9 follow-ups due counted, 10 a page of them,
        # 11 the access log: one statement for the list of everyone shown (SQLite has no
        # INSERT inside a WITH: 11 the set of people, 12 the people in it, 13 its entry)
        with django_assert_num_queries(11 if connection.vendor == "postgresql" else 13):
            client.get(reverse("bridging:inbox"))
        # Only those on the first page are shown, so only they are logged, in one entry.
        (entry,) = ListAccess.objects.filter(action="inbox")
        assert entry.entries.count() == 1 + min(extra, INBOX_GROUPS_PER_PAGE)
        assert not ParticipantAccess.objects.filter(action="inbox").exists()

    def test_the_inbox_names_the_project_when_the_proposer_is_deleted(self, client, cast):
        proposer = cast.member_a.handover.proposed_by
        proposer.delete()  # proposed_by is SET_NULL: the handover stays
        client.force_login(cast.staff_a)
        response = client.get(reverse("bridging:inbox"))
        assert response.status_code == 200
        assert f"Sendt af {cast.project_a.name} den" in response.content.decode()

    def test_the_inbox_shows_a_page_of_handovers(self, client, cast):
        for _ in range(INBOX_GROUPS_PER_PAGE):  # one more than a page, with the cast's own
            hand_over_one_more(cast, send=True)
        client.force_login(cast.staff_a)
        first = client.get(reverse("bridging:inbox")).content.decode()
        assert "Side 1 af 2" in first
        assert first.count('action="/handover-participants/') >= INBOX_GROUPS_PER_PAGE
        second = client.get(reverse("bridging:inbox"), {"page": 2}).content.decode()
        assert "Side 2 af 2" in second

    def test_a_page_past_the_last_shows_the_last_page_with_the_counts(self, client, cast):
        for _ in range(INBOX_GROUPS_PER_PAGE):  # two pages, with the cast's own
            hand_over_one_more(cast, send=True)
        client.force_login(cast.staff_a)
        waiting = INBOX_GROUPS_PER_PAGE + 1
        for page in ("2", "99", "0", "x"):
            response = client.get(reverse("bridging:inbox"), {"page": page})
            assert response.context["inbox_waiting"] == waiting
            assert response.context["groups"].paginator.count == waiting
            number = 1 if page == "x" else 2
            assert response.context["groups"].number == number
            shown = sum(len(group["members"]) for group in response.context["waiting_handovers"])
            assert shown == (INBOX_GROUPS_PER_PAGE if number == 1 else 1)
            assert f"Venter på jeres svar ({waiting})" in response.content.decode()

    def test_what_people_typed_is_escaped_in_their_answer_forms(self, client, cast):
        enrolments = [
            enrol_with_consent(cast, cast.association_a, first_name=name)
            for name in ("<b>Bo</b>", 'Ea "E"')
        ]
        handover = handovers.handover_propose(
            course=cast.course_a, mode="group", offer=cast.offer_a, enrolments=enrolments,
            user=cast.coordinator_a,
        )  # fmt: skip
        for member in handover.members.all():
            handovers.handover_send(member=member)
        client.force_login(cast.staff_a)
        page = client.get(reverse("bridging:inbox")).content.decode()
        assert "<b>Bo</b>" not in page
        assert "Sig nej til &lt;b&gt;Bo&lt;/b&gt;" in page
        assert "Sig nej til Ea &quot;E&quot;" in page

    def test_the_accepted_are_counted_until_they_start(self, client, cast):
        accepted = []
        for _ in range(2):
            member = handovers.handover_send(
                member=handovers.handover_propose(
                    course=cast.course_a, mode="individual", offer=cast.offer_a,
                    enrolments=[enrol_with_consent(cast, cast.association_a)],
                    user=cast.coordinator_a,
                ).members.get()
            )  # fmt: skip
            accepted.append(
                handovers.handover_accept(
                    member=member,
                    first_session_on=timezone.localdate(),
                    buddy="F",
                    user=cast.staff_a,
                )
            )
        handovers.handover_start(member=accepted[0], started_on=timezone.localdate())
        client.force_login(cast.staff_a)
        response = client.get(reverse("bridging:inbox"))
        assert [m.pk for m in response.context["accepted"]] == [accepted[1].pk]
        assert "Taget imod: bekræft, når de er startet (1)" in response.content.decode()

    def test_everyone_shown_in_the_inbox_is_in_their_access_log(self, client, cast):
        accepted = handovers.handover_send(
            member=handovers.handover_propose(
                course=cast.course_a,
                mode="individual",
                offer=cast.offer_a,
                enrolments=[enrol_with_consent(cast, cast.association_a)],
                user=cast.coordinator_a,
            ).members.get()
        )
        handovers.handover_accept(
            member=accepted, first_session_on=datetime.date(2026, 12, 2), buddy="F",
            user=cast.staff_a,
        )  # fmt: skip
        client.force_login(cast.staff_a)
        client.get(reverse("bridging:inbox"))
        (entry,) = ListAccess.objects.filter(action="inbox")
        assert sorted(entry.entries.values_list("participant_id", flat=True)) == sorted(
            [cast.participant_a.pk, accepted.participant_id]
        )
        assert (entry.user, entry.role) == (cast.staff_a, "staff")
        client.force_login(cast.coordinator_a)
        for participant_id in (cast.participant_a.pk, accepted.participant_id):
            page = client.get(reverse("participants:participant_detail", args=[participant_id]))
            log = page.content.decode().split('id="log-heading"')[1]
            assert "Set i den modtagende organisations indbakke" in log
            export = client.get(
                reverse("participants:participant_export_json", args=[participant_id])
            )
            actions = [entry["action"] for entry in export.json()["access_log"]]
            assert "inbox" in actions

    def test_an_association_that_is_shown_no_one_logs_nothing(self, client, cast):
        client.force_login(cast.staff_b)
        client.get(reverse("bridging:inbox"))
        assert not ListAccess.objects.filter(action="inbox").exists()
        assert not ParticipantAccess.objects.filter(action="inbox").exists()


class TestReminders:
    def test_due_reminders_flags_and_prompts_are_sent_once(
        self, cast, mailoutbox, settings, django_capture_on_commit_callbacks
    ):
        settings.HANDOVER_REMINDER_DAYS = 14
        HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
            sent_at=timezone.now() - datetime.timedelta(days=15), notified_at=timezone.now()
        )
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
        # One mail per address: the association gets the reminder and the follow-up in one.
        mails = {address: m for m in mailoutbox for address in m.to}
        assert len(mails) == len(mailoutbox)
        association_mail = mails[cast.staff_a.email]
        assert "Påmindelse: deltagere venter på jeres svar" in association_mail.body
        assert "Opfølgning: er deltageren stadig aktiv?" in association_mail.body
        assert mails[cast.coordinator_a.email].subject == "Opfølgning: er deltageren stadig aktiv?"
        assert all("Alma" not in m.body and "Alma" not in m.subject for m in mailoutbox)
        assert all("http" in m.body for m in mailoutbox)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")  # idempotent
        assert mailoutbox == []
        HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
            reminded_at=timezone.now() - datetime.timedelta(days=15)
        )
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
        assert [m.subject for m in mailoutbox] == ["En udslusning har ikke fået svar"]
        assert mailoutbox[0].to == [cast.coordinator_a.email]
        assert fresh(cast.member_a).flagged_at is not None

    def test_nothing_is_due_before_the_period(self, cast, mailoutbox):
        FollowUp.objects.all().delete()
        HandoverParticipant.objects.update(notified_at=timezone.now())
        mailoutbox.clear()
        call_command("send_reminders")
        assert mailoutbox == []
        assert fresh(cast.member_a).reminded_at is None

    def test_the_organisation_is_told_when_a_handover_arrives_and_the_mail_holds_no_names(
        self, cast, mailoutbox, django_capture_on_commit_callbacks
    ):
        enrolment = enrol_with_consent(cast, cast.association_a, first_name="Gerda")
        member = handovers.handover_propose(
            course=cast.course_a,
            mode="individual",
            offer=cast.offer_a,
            enrolments=[enrolment],
            user=cast.coordinator_a,
        ).members.get()
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            handovers.handover_send(member=member)
        assert [m.subject for m in mailoutbox] == ["Nye deltagere er på vej til jer"]
        assert "Gerda" not in mailoutbox[0].body
        assert "/inbox/" in mailoutbox[0].body


def test_the_participant_timeline_shows_the_whole_path(client, cast):
    handovers.handover_accept(
        member=cast.member_a,
        first_session_on=datetime.date(2026, 12, 2),
        buddy="Frida",
        user=cast.staff_a,
    )
    handovers.handover_start(member=cast.member_a, started_on=timezone.localdate())
    client.force_login(cast.coordinator_a)
    page = client.get(cast.participant_a.get_absolute_url()).content.decode()
    assert "Udsluset (individuel)" in page
    assert "Startet" in page


class TestFunnel:
    def test_numbers_of_a_hand_built_scenario(self, cast):
        """Four enrolled: one completed and exit-ready, handed over, accepted, started and
        active at 3 months; one handed over and declined; one withdrawn; one just enrolled."""
        EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        declined = enrol_with_consent(cast, cast.association_a)
        EnrolmentFactory(
            course=cast.course_a,
            status="withdrawn",
            withdrawn_reason="Syg",
            participant__organisation=cast.project_a,
        )
        EnrolmentFactory(
            course=cast.course_a, status="waitlisted", participant__organisation=cast.project_a
        )
        Enrolment.objects.filter(pk=cast.enrolment_a.pk).update(status="completed")
        Assessment.objects.create(
            enrolment=cast.enrolment_a,
            kind="end",
            source="staff",
            **dict.fromkeys([i.field for i in INDICATORS], 4),
        )
        from bridging.models import Attendance

        Attendance.objects.create(
            session=cast.session_a, enrolment=cast.enrolment_a, status="present"
        )
        handovers.handover_accept(
            member=cast.member_a,
            first_session_on=datetime.date(2026, 12, 2),
            buddy="F",
            user=cast.staff_a,
        )
        cast.follow_up_a.delete()
        handovers.handover_start(member=cast.member_a, started_on=timezone.localdate())
        FollowUp.objects.filter(member=cast.member_a, months=3).update(answer="active")
        member = handovers.handover_propose(
            course=cast.course_a,
            mode="individual",
            offer=cast.offer_a,
            enrolments=[declined],
            user=cast.coordinator_a,
        ).members.get()
        handovers.handover_send(member=member)
        handovers.handover_decline(member=member, reason="full", note="", user=cast.staff_a)

        result = funnel(Enrolment.objects.filter(course=cast.course_a))
        counts = {s["key"]: s["count"] for s in result["stages"] + result["aside"]}
        assert counts == {
            "enrolled": 4,
            "completed": 1,
            "exit_ready": 1,
            "handed_over": 1,
            "accepted": 1,
            "started": 1,
            "active_3": 1,
            "active_6": 0,
            "active_12": 0,
            "handed_over_not_completed": 1,
            "handed_over_not_ready": 0,
        }
        not_due = {s["key"]: s.get("not_due") for s in result["stages"]}
        assert (not_due["active_3"], not_due["active_6"]) == (0, 1)

    def test_the_breakdowns_of_one_query_are_those_counted_one_field_at_a_time(self, cast):
        """By model and by receiver from one query, added up per group: the same rows as
        grouping by each field alone (Forening A receives two models; a self-organised group
        has no receiver)."""
        for mode in ("individual", "group", "self_organised"):
            for answer in ("accept", "decline"):
                member = handovers.handover_propose(
                    course=cast.course_a,
                    mode=mode,
                    offer=cast.offer_a,
                    meeting_place="Hallen",
                    enrolments=[enrol_with_consent(cast, cast.association_a)],
                    user=cast.coordinator_a,
                ).members.get()
                handovers.handover_send(member=member)
                if answer == "decline" and mode != "self_organised":
                    handovers.handover_decline(
                        member=member, reason="full", note="", user=cast.staff_a
                    )
        handovers.handover_propose(  # proposed, never sent: in no breakdown
            course=cast.course_a,
            mode="group",
            offer=cast.offer_a,
            enrolments=[enrol_with_consent(cast, cast.association_a)],
            user=cast.coordinator_a,
        )
        members = HandoverParticipant.objects.filter(handover__course=cast.course_a)
        by_mode, by_receiver = breakdowns(members)
        assert by_mode == breakdown(members, "handover__mode")
        assert by_receiver == breakdown(members, "handover__receiver__name")
        assert [row["handover__mode"] for row in by_mode] == [
            "group", "individual", "self_organised"
        ]  # fmt: skip
        assert {row["handover__receiver__name"]: row["handed_over"] for row in by_receiver} == {
            cast.association_a.name: 1 + 4,  # the cast's own member, and four here
            None: 2,
        }
        assert sum(row["declined"] for row in by_receiver) == 2

    def test_the_breakdowns_say_they_count_handovers_and_count_someone_twice_in_each(
        self, client, cast
    ):
        """Declined at the association, then on to a self-organised group: one person, two
        handovers, a row each (what each receiver did with those sent to it); the page says
        so beside both tables."""
        handovers.handover_decline(member=cast.member_a, reason="full", note="", user=cast.staff_a)
        again = handovers.handover_propose(
            course=cast.course_a,
            mode="self_organised",
            offer=None,
            meeting_place="Parken",
            enrolments=[cast.enrolment_a],
            user=cast.coordinator_a,
        ).members.get()
        handovers.handover_send(member=again)
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:programme_funnel", args=[cast.programme_a.pk]))
        rows = {row["label"]: row["handed_over"] for row in response.context["by_receiver"]}
        assert rows == {cast.association_a.name: 1, "Selvorganiseret": 1}  # one person
        page = response.content.decode()
        note = "Tæller udslusninger, ikke personer"
        assert page.count(note) == 2
        assert 'id="by-mode-counts"' in page and 'aria-describedby="by-receiver-counts"' in page

    def test_the_receiving_organisations_are_shown_a_page_at_a_time(
        self, client, cast, monkeypatch
    ):
        monkeypatch.setattr("bridging.views.funnel.RECEIVERS_PAGE_SIZE", 1)
        member = handovers.handover_propose(
            course=cast.course_a,
            mode="self_organised",
            offer=None,
            meeting_place="Hallen",
            enrolments=[enrol_with_consent(cast, cast.association_a)],
            user=cast.coordinator_a,
        ).members.get()
        handovers.handover_send(member=member)
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:programme_funnel", args=[cast.programme_a.pk])
        first = client.get(url, {"course": cast.course_a.pk})
        # The next page keeps the course chosen; the models stay whole on every page.
        assert f"?course={cast.course_a.pk}&amp;receivers=2" in first.content.decode()
        second = client.get(url, {"course": cast.course_a.pk, "receivers": 2})
        assert len(second.context["by_mode"]) == 2
        shown = [[row["label"] for row in r.context["by_receiver"]] for r in (first, second)]
        assert sorted(shown) == sorted([[cast.association_a.name], ["Selvorganiseret"]])
        assert shown[0][0] in first.content.decode() and shown[1][0] in second.content.decode()

    @pytest.mark.parametrize("extra", [0, 10])
    def test_funnel_page_query_budget(self, client, cast, django_assert_num_queries, extra):
        for _ in range(extra):
            hand_over_one_more(cast, mode="group", send=True)
        client.force_login(cast.coordinator_a)
        # 1 session, 2 user, 3 own memberships, 4 the programme, 5 the funnel, 6 the breakdowns
        # by model and by receiving organisation (the course is searched for: no list of the
        # courses)
        with django_assert_num_queries(6):
            client.get(reverse("bridging:programme_funnel", args=[cast.programme_a.pk]))
        # One course: 4 the programme, 5 the course chosen, ..., 8 its name in the search field
        url = reverse("bridging:programme_funnel", args=[cast.programme_a.pk])
        with django_assert_num_queries(8):
            response = client.get(url, {"course": cast.course_a.pk})
        assert response.context["course"] == cast.course_a


class TestExports:
    def test_handover_list_as_excel_with_names_is_logged_per_participant(self, client, cast):
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:handover_export", args=["xlsx"]))
        assert response.streaming  # written to a temporary file, sent from disk
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Deltager"
        assert rows[1][0] == "Alma Andersen"
        # One entry for the list, and the participant in it.
        entry = ListAccess.objects.including(cast.participant_a).get()
        assert (entry.user, entry.role, entry.action) == (
            cast.coordinator_a,
            "coordinator",
            "export_list",
        )
        assert abs(timezone.now() - entry.at) < datetime.timedelta(minutes=1)

    def test_handover_list_as_csv_is_streamed_and_logged_per_participant(self, client, cast):
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:handover_export", args=["csv"]))
        assert response.streaming
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert text.splitlines()[0].startswith("Deltager;")
        assert "Alma Andersen" in text
        assert (
            ListAccess.objects.including(cast.participant_a).filter(action="export_list").exists()
        )

    def test_handover_list_as_csv_has_one_line_per_member_with_its_follow_ups_in_order(
        self, client, cast
    ):
        FollowUp.objects.create(member=cast.member_a, months=6, due_on="2027-02-01")
        FollowUp.objects.create(
            member=cast.member_a, months=1, due_on="2026-09-01", answer="active"
        )
        FollowUp.objects.filter(member=cast.member_a, months=3).update(answer="stopped")
        other = handovers.handover_propose(
            course=cast.course_a,
            mode="individual",
            offer=cast.offer_a,
            enrolments=[enrol_with_consent(cast, cast.association_a, first_name="Bodil")],
            user=cast.coordinator_a,
        ).members.get()
        members = HandoverParticipant.objects.filter(
            handover__course__programme__organisation=cast.project_a
        )
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:handover_export", args=["csv"]))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        rows = {line.split(";")[0]: line.split(";") for line in lines[1:]}
        assert len(lines) == 1 + members.count()  # the headers and a line per member
        assert rows[str(cast.member_a.participant)][-1] == "1: Aktiv, 3: Stoppet, 6: -"
        assert rows[str(other.participant)][-1] == ""

    def test_handover_list_export_dates_are_danish_days_as_on_the_pages(self, client, cast):
        late_evening = datetime.datetime(2026, 11, 7, 23, 30, tzinfo=datetime.UTC)  # 00:30 here
        HandoverParticipant.objects.filter(pk=cast.member_a.pk).update(
            sent_at=late_evening, answered_at=late_evening - datetime.timedelta(hours=1)
        )
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:handover_export", args=["csv"]))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        row = next(line.split(";") for line in lines if line.startswith("Alma Andersen;"))
        assert row[6:8] == ["2026-11-08", "2026-11-07"]  # sent 00:30, answered 23:30 Danish time

    def test_funnel_as_csv_has_no_personal_data(self, client, cast):
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:funnel_export", args=[cast.programme_a.pk, "csv"]))
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0] == (
            "Trin;Antal;Procent af tilmeldte;Procent af trinnet før;Med opfølgning;Endnu ikke tid"
        )
        assert "Alma" not in text

    def test_every_participant_in_the_export_is_logged_once(self, client, cast):
        # Two follow-ups (two rows of the query) and a second handover of the same person.
        FollowUp.objects.create(member=cast.member_a, months=6, due_on="2027-02-01")
        handovers.handover_propose(
            course=cast.course_a,
            mode="individual",
            offer=cast.offer_a,
            enrolments=[cast.enrolment_a],
            user=cast.coordinator_a,
            overlap_reason="Et andet tilbud",
        )
        other = enrol_with_consent(cast, cast.association_a, first_name="Bodil")
        handovers.handover_propose(
            course=cast.course_a,
            mode="group",
            offer=cast.offer_a,
            enrolments=[other],
            user=cast.coordinator_a,
        )
        members = HandoverParticipant.objects.filter(
            handover__course__programme__organisation=cast.project_a
        )
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:handover_export", args=["xlsx"]))
        b"".join(response.streaming_content)
        (entry,) = ListAccess.objects.all()
        assert (entry.user, entry.role) == (cast.coordinator_a, "coordinator")
        logged = ListSetParticipant.objects.filter(set=entry.set)
        assert sorted(logged.values_list("participant_id", flat=True)) == sorted(
            set(members.values_list("participant_id", flat=True))
        )
        assert not ParticipantAccess.objects.filter(action="export_list").exists()

    def test_an_export_shows_in_each_participants_access_log_and_data_export(self, client, cast):
        client.force_login(cast.coordinator_a)
        client.get(cast.participant_a.get_absolute_url())  # viewed before the export
        response = client.get(reverse("bridging:handover_export", args=["csv"]))
        b"".join(response.streaming_content)
        page = client.get(cast.participant_a.get_absolute_url()).content.decode()
        log = page.split("Adgangslog")[1]
        name = cast.coordinator_a.get_full_name() or cast.coordinator_a.username
        assert f"{name} (koordinator)" in log
        # Newest first: this view, the export, the view before it.
        shown = [log.index("Læste oplysningerne"), log.index("Eksporterede i en liste")]
        assert shown == sorted(shown) and log.count("Læste oplysningerne") == 2
        data = client.get(
            reverse("participants:participant_export_json", args=[cast.participant_a.pk])
        ).json()
        actions = [(e["action"], e["role"]) for e in data["access_log"]]
        assert [action for action in actions if action[0] != "export_json"] == [
            ("view", "coordinator"),
            ("export_list", "coordinator"),
            ("view", "coordinator"),
        ]

    def test_an_empty_export_logs_nothing(self, client, cast):
        HandoverParticipant.objects.all().delete()
        client.force_login(cast.coordinator_a)
        response = client.get(reverse("bridging:handover_export", args=["csv"]))
        assert len(b"".join(response.streaming_content).splitlines()) == 1  # the headers
        assert not ListAccess.objects.exists()
        assert not ListSetParticipant.objects.exists()

    def test_a_deleted_participant_leaves_no_row_in_the_lists_they_were_in(self, cast):
        # (A handed-over participant cannot be deleted: one registered by mistake can.)
        participant = ParticipantFactory(organisation=cast.project_a)
        people = ListSet.objects.create(digest=set_digest([participant.pk]))
        listed = ListAccess.objects.create(
            user=cast.coordinator_a, action="export_list", set=people
        )
        ListSetParticipant.objects.create(participant=participant, set=people)
        participant.delete()
        assert not ListSetParticipant.objects.exists()
        assert ListAccess.objects.get() == listed

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled for PostgreSQL")
    def test_the_export_compiled_once_gives_what_the_querysets_give(
        self, client, cast, monkeypatch
    ):
        FollowUp.objects.create(member=cast.member_a, months=6, due_on="2027-02-01")
        hand_over_one_more(cast)
        client.force_login(cast.coordinator_a)
        url = reverse("bridging:handover_export", args=["csv"])
        compiled = []
        spy = funnel_views._compiled_export_rows
        monkeypatch.setattr(
            funnel_views,
            "_compiled_export_rows",
            lambda request: compiled.append(spy(request)) or compiled[-1],
        )
        for _ in range(2):  # compiled the first time, then read as compiled
            once = b"".join(client.get(url).streaming_content)
        assert len(compiled) == 2 and None not in compiled
        monkeypatch.setattr(funnel_views, "_compiled_export_rows", lambda request: None)
        assert b"".join(client.get(url).streaming_content) == once
        assert ListAccess.objects.count() == 3 and ListSet.objects.count() == 1

    @pytest.mark.parametrize("extra", [0, 10])
    def test_handover_export_query_budget(self, client, cast, django_assert_num_queries, extra):
        for _ in range(extra):
            hand_over_one_more(cast)
        client.force_login(cast.coordinator_a)
        # 1 session, 2 user, 3 own memberships, 4 the access log and the rows (on PostgreSQL
        # one statement; on SQLite the set of participants, 5 its participants, 6 the list's
        # entry, then 7 the rows)
        with django_assert_num_queries(4 if connection.vendor == "postgresql" else 7):
            response = client.get(reverse("bridging:handover_export", args=["csv"]))
            lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        assert len(lines) == 1 + HandoverParticipant.objects.count()

    def test_an_unknown_format_is_404(self, client, cast):
        client.force_login(cast.coordinator_a)
        assert client.get(reverse("bridging:handover_export", args=["pdf"])).status_code == 404

    def test_the_downloads_are_offered_only_when_there_are_handovers(self, client, cast):
        export = reverse("bridging:handover_export", args=["csv"])
        client.force_login(cast.coordinator_a)
        assert export in client.get(reverse("bridging:handover_list")).content.decode()
        client.force_login(cast.coordinator_b)  # project B has handed no one over
        response = client.get(reverse("bridging:handover_list"))
        assert response.status_code == 200
        assert export not in response.content.decode()

    @pytest.mark.parametrize("extra", [0, 10])
    def test_handover_list_query_budget(self, client, cast, django_assert_num_queries, extra):
        for _ in range(extra):
            hand_over_one_more(cast)
        client.force_login(cast.coordinator_a)
        # 1 session, 2 user, 3 own memberships, 4 count, 5 the page
        with django_assert_num_queries(5):
            client.get(reverse("bridging:handover_list"))


def test_the_funnels_sql_exit_ready_rule_agrees_with_the_python_rule_at_the_boundaries(cast):
    """readiness.evaluate decides a participant's page; funnel.py counts the same rule in SQL."""
    from bridging.models import Attendance, Course, Programme, Session
    from bridging.views.readiness import readiness_rows

    Programme.objects.filter(pk=cast.programme_a.pk).update(minimum_attendance=67)
    Course.objects.filter(pk=cast.course_a.pk).update(status="running")
    sessions = [cast.session_a] + [
        Session.objects.create(
            course=cast.course_a,
            date=datetime.date(2026, 11, day),
            start_time="10:00",
            end_time="11:00",
        )
        for day in (11, 18)
    ]
    cases = [  # (presences out of 3, score on every indicator)
        (2, 3),  # 66.7 %: rounds to 67 on screen, but is below the minimum of 67
        (3, 3),  # all there, every dimension exactly at the threshold of 3
        (3, 2),  # all there, below the threshold
    ]
    enrolments = [cast.enrolment_a] + [
        EnrolmentFactory(course=cast.course_a, participant__organisation=cast.project_a)
        for _ in cases[1:]
    ]
    for enrolment, (present, score) in zip(enrolments, cases, strict=True):
        Assessment.objects.create(
            enrolment=enrolment,
            kind="midway",
            source="staff",
            **dict.fromkeys([i.field for i in INDICATORS], score),
        )
        for number, session in enumerate(sessions):
            Attendance.objects.create(
                session=session,
                enrolment=enrolment,
                status="present" if number < present else "absent",
            )
    python = [
        row["verdict"].exit_ready for row in readiness_rows(cast.coordinator_a, cast.course_a)
    ]
    in_sql = exit_ready_ids(Enrolment.objects.filter(course=cast.course_a))
    assert sorted(python) == [False, False, True]
    assert len(in_sql) == python.count(True) == 1
