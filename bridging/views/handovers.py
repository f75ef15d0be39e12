"""Handover pages: the coordinator proposes and follows, the receiving organisation answers in
its inbox. Staff see only what a handover needs: never health notes or assessments."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Window,
    prefetch_related_objects,
)
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.params import id_param, page_param
from common.prepared import Prepared
from common.search import clean_query, suggestions_response
from common.urls import url_for_each
from participants.models import Consent, Participant, ParticipantAccess
from participants.services import log_list_access
from partnerships.access import role_required
from partnerships.models import Membership, Offer, PartnershipAgreement
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from .. import figures, handovers
from ..forms import (
    AcceptForm,
    ContinuingOfferForm,
    DeclineForm,
    FollowUpForm,
    HandoverForm,
    StartForm,
)
from ..models import Enrolment, FollowUp, Handover, HandoverParticipant
from ..services import JourneyError
from ..work_queue import inbox_waiting
from .access import coordinators, get_rw_course_for_user
from .waiting import waiting_html

Role = Membership.Role
Status = HandoverParticipant.Status
parties = role_required(Role.COORDINATOR, Role.STAFF, hidden=True)


def _roster(course):
    """The course's roster. `course` comes from get_rw_course_for_user, so it is one the user
    sees, and all of its enrolments are visible (Enrolment.objects.visible_to): read them by the
    course's index, without planning the visibility rule again (as readiness_rows does)."""
    return (
        Enrolment.objects.on_roster()
        .filter(course=course)
        .select_related("participant")
        .order_by("participant__first_name", "participant__last_name")
    )


def _active_offers(request):
    offers = Offer.objects.visible_to(request.user).filter(is_active=True)
    return offers.select_related("organisation").order_by("name", "organisation__name", "pk")


@require_GET
@coordinators
def handover_offer_suggestions(request):
    """A page of the offers matching what the coordinator types on the handover form."""
    form = HandoverForm(roster=Enrolment.objects.none(), offers=_active_offers(request))
    return suggestions_response(request, form["offer"])


@coordinators
def handover_create(request, pk):
    """Propose a handover: each participant with readiness, attendance, wishes and consent."""
    course = get_rw_course_for_user(request, pk)
    offers = _active_offers(request)
    roster = _roster(course)
    data = request.POST if request.method == "POST" else None
    initial = {"mode": request.GET.get("mode") or course.programme.default_bridging_model,
               "offer": request.GET.get("offer"), "send_now": True}  # fmt: skip
    if enrolment_pk := id_param(request.GET.get("enrolment")):
        # From the participant's matching offers: them, ticked.
        initial["enrolments"] = [str(enrolment_pk)]
    form = HandoverForm(data, initial=initial, roster=roster, offers=offers)
    # Without JavaScript, the text typed in the offer search comes back as its matches.
    form.fields["offer"].widget.query = clean_query(request.GET.get("offer_q", ""))
    chosen = _chosen_offer(form, offers)
    if form.is_valid():
        try:
            handover = handovers.handover_propose(
                course=course,
                mode=form.cleaned_data["mode"],
                enrolments=list(form.cleaned_data["enrolments"]),
                offer=form.cleaned_data["offer"],
                user=request.user,
                contact_participant=form.cleaned_data["contact_participant"],
                meeting_place=form.cleaned_data["meeting_place"],
                meeting_time=form.cleaned_data["meeting_time"],
                note=form.cleaned_data["note"],
                send_now=form.cleaned_data["send_now"],
                overlap_reason=form.cleaned_data["overlap_reason"],
            )
        except handovers.OverlapError as error:
            form.add_error("overlap_reason", error.args[0])
        except JourneyError as error:
            form.add_error(None, error.args[0])
        else:
            messages.success(request, _("The handover is created."))
            return redirect(handover)
    rows = _candidate_rows(request, course, chosen)
    ticked = form["enrolments"].value()  # read once for the rows, not once per row
    for row in rows:
        try:
            row["ticked"] = str(row["pk"]) in ticked
        except TypeError:  # nothing ticked
            row["ticked"] = False
    continuing_form = _continuing_form(request)
    return render(
        request,
        "bridging/handover_form.html",
        {
            "course": course,
            "form": form,
            "offer": chosen,
            "rows": rows,
            "rows_html": _rows_html(rows),
            "anyone_on_their_way": any(row["open_handover"] for row in rows),
            "agreement": _agreement(course, chosen),
            "continuing_form": continuing_form,
        },
    )


CANDIDATE_ROW = """
      <tr>
        <td>
          <div class="form-check">
            <input class="form-check-input" type="checkbox" name="enrolments" value="{pk}" \
id="enrolment-{pk}"{state}>
            <label class="form-check-label" for="enrolment-{pk}">{name}</label>
          </div>
          {blocked}
          {on_their_way}
        </td>
        <td data-label="{ready_label}">{ready}</td>
        <td data-label="{attendance_label}">{attendance}</td>
        <td class="small" data-label="{wishes_label}">{wishes}</td>
      </tr>
      """


def _rows_html(rows) -> str:
    """The team's rows, written once in Python as a template's loop would write them: thirty
    rows of variable lookups were most of the template's time. Every text is escaped; the ids
    are whole numbers, written as they are (no thousands separator)."""
    cannot, on_their_way, yes, not_assessed, not_yet, warning = map(conditional_escape, (
        _("Cannot be included"), _("On their way"), _("Yes"), _("Not assessed"), _("Not yet"),
        _("Warning: not exit-ready"),
    ))  # fmt: skip
    # The column names, on each value too: on a phone the rows stack (.stack-on-phone).
    labels = {
        "ready_label": conditional_escape(_("Exit-ready")),
        "attendance_label": conditional_escape(_("Attendance")),
        "wishes_label": conditional_escape(_("Wishes and the offer")),
    }
    html = ["\n      "]  # the template's line before the loop
    for row in rows:
        pk = int(row["pk"])
        blocked = ""
        if row["blocked"]:
            state = f' disabled aria-describedby="blocked-{pk}"'
            blocked = (
                f'<p class="small text-danger-emphasis mb-0" id="blocked-{pk}">{cannot}: '
                f"{', '.join(conditional_escape(reason) for reason in row['blocked'])}</p>"
            )
        else:
            state = " checked" if row["ticked"] else ""
        handover = ""
        if row["open_handover"]:
            handover = (
                f'<p class="small mb-0"><span class="badge text-bg-warning">{on_their_way}</span> '
                f"{conditional_escape(row['open_handover'])}</p>"
            )
        if row["exit_ready"]:
            ready = yes
        else:
            ready = (
                f'<span class="text-danger-emphasis">{not_yet if row["assessed"] else not_assessed}'
                f'</span><br><span class="small">{warning}</span>'
            )
        wishes = ", ".join(conditional_escape(wish) for wish in row["wishes"]) or "–"
        html.append(
            CANDIDATE_ROW.format(
                pk=pk, state=state, name=conditional_escape(row["name"]), blocked=blocked,
                on_their_way=handover, ready=ready, wishes=wishes,
                attendance=conditional_escape(row["attendance"]), **labels,
            )
        )  # fmt: skip
    return mark_safe("".join(html))


def _chosen_offer(form, offers):
    value = form.data.get("offer") if form.is_bound else form.initial.get("offer")
    pk = id_param(value)
    return offers.filter(pk=pk).first() if pk else None


def _agreement(course, offer):
    if offer is None:
        return None
    return (
        PartnershipAgreement.objects.filter(
            project=course.programme.organisation_id,
            receiver=offer.organisation_id,
            status__in=["signed", "active"],
        )
        .order_by("-version")
        .first()
    )


def _candidate_rows(request, course, offer):
    """Per participant on the roster: attendance, whether staff have assessed them and whether
    they are exit-ready (the one rule, in figures.py), wishes against the offer, whether they
    may be included (consent) and the handover they are already on their way in, if any. Five
    queries whatever the team size (four without an offer). The roster is read once, and the
    rest by its ids: the figures from SQL, not worked out again from every assessment."""
    enrolments = list(_roster(course))
    figures.attach_attendance(enrolments)
    participants = [enrolment.participant for enrolment in enrolments]
    ids = [participant.pk for participant in participants]
    flags = figures.readiness_flags(Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]))
    on_their_way = {}
    for member in on_their_way_members(request.user, ids):
        on_their_way.setdefault(member.participant_id, member)
    consenting = set()
    if offer is not None:
        consenting = set(
            Consent.objects.active()
            .filter(purpose="share_contact", organisation=offer.organisation_id,
                    participant__in=ids)
            .values_list("participant_id", flat=True)
        )  # fmt: skip
        prefetch_related_objects(participants, "preferred_activities")  # for the wishes
    result = []
    for enrolment in enrolments:
        participant = enrolment.participant
        wishes = []
        if offer is not None:
            if offer.activity_type_id in {a.pk for a in participant.preferred_activities.all()}:
                wishes.append(_("wishes this activity"))
            if set(offer.weekdays) & set(participant.preferred_weekdays):
                wishes.append(_("a day that suits"))
            fee_limit = participant.max_monthly_fee
            if fee_limit is not None and offer.monthly_fee > fee_limit:
                wishes.append(_("more than they can pay"))
        blocked = []
        if offer is not None and participant.pk not in consenting:
            blocked.append(
                _("no consent to share name and contact details with %(organisation)s")
                % {"organisation": offer.organisation}
            )
        current = on_their_way.get(participant.pk)
        rate = enrolment.figures.rate
        assessed, exit_ready = flags.get(enrolment.pk, (False, False))
        # What the row shows, worked out here: a template resolves each of these through
        # several lookups, thirty times.
        result.append(
            {"enrolment": enrolment, "pk": enrolment.pk, "name": str(participant),
             "assessed": assessed, "attendance": "–" if rate is None else f"{rate} %",
             "wishes": wishes, "blocked": blocked, "exit_ready": exit_ready,
             "open_handover": handovers.state_label(current) if current else ""}
        )  # fmt: skip
    return result


def on_their_way_query(user, participants):
    """The open handovers (handovers.open_handovers) of `participants` (ids) that `user` sees,
    with what state_label reads of them (not the offer's forty columns)."""
    return (
        handovers.open_handovers(participants)
        .filter(HandoverParticipant.objects.visible_condition(user, ""))
        .only(*handovers.STATE_SHOWN)
    )


def on_their_way_members(user, participants):
    """`on_their_way_query` run. Building and compiling it (the open condition's subqueries,
    the visibility's sides) took more Python than the rest of the proposal's rows: it is built
    once per process and shape of the user's memberships (common.prepared) when this request
    has read them, and run with the request's ids."""
    loaded = getattr(user, LOADED_MEMBERSHIPS, None)
    if loaded is None or not user.is_active or user.is_superuser:
        return list(on_their_way_query(user, participants))
    return _ON_THEIR_WAY.all(
        participants=list(participants),
        coordinated=Membership.objects.organisation_ids_of(user, Role.COORDINATOR),
        staff_of=Membership.objects.organisation_ids_of(user, Role.STAFF),
    )


def _on_their_way_build(participants, coordinated, staff_of):
    # A user with memberships of the same roles, by id: the visibility of handed-over
    # participants reads nothing else of them (HandoverParticipant.objects.scope).
    stand_in = get_user_model()(is_active=True, is_superuser=False)
    memberships = [Membership(organisation_id=id_, role=Role.COORDINATOR) for id_ in coordinated]
    memberships += [Membership(organisation_id=id_, role=Role.STAFF) for id_ in staff_of]
    setattr(stand_in, LOADED_MEMBERSHIPS, memberships)
    return on_their_way_query(stand_in, participants)


_ON_THEIR_WAY = Prepared(_on_their_way_build)


CONTINUING_FIELDS = ("organisation", "organisation_q", "activity_type")


def _continuing_form(request):
    """The whole team's offer form. After a refused post (continuing_offer_create sends what
    was posted back here, marked `continuing`), it is bound to it again: the organisation
    searched for or chosen and the activity chosen come back with their errors."""
    if "continuing" not in request.GET:
        return ContinuingOfferForm(user=request.user)
    data = {name: request.GET.get(name, "") for name in CONTINUING_FIELDS}
    form = ContinuingOfferForm(data, user=request.user)
    form.is_valid()  # the errors to show beside the fields
    return form


@require_GET
@coordinators
def continuing_offer_organisation_suggestions(request):
    """A page of the organisations the project works with, for the whole team's offer."""
    return suggestions_response(request, ContinuingOfferForm(user=request.user)["organisation"])


@require_POST
@coordinators
def continuing_offer_create(request, pk):
    """A whole-team handover: make the offer that continues the course at the receiver."""
    course = get_rw_course_for_user(request, pk)
    form = ContinuingOfferForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the receiving organisation and the activity."))
        # Back to the proposing page with what was typed and chosen (Post/Redirect/Get).
        kept = {name: clean_query(request.POST.get(name, "")) for name in CONTINUING_FIELDS}
        query = urlencode({"continuing": 1, **{k: v for k, v in kept.items() if v}})
        url = reverse("bridging:handover_create", args=[course.pk])
        return redirect(f"{url}?{query}#continue-heading")
    offer = handovers.continuing_offer_create(course=course, **form.cleaned_data)
    messages.success(
        request,
        _("The offer %(offer)s is created at %(organisation)s.")
        % {"offer": offer.name, "organisation": offer.organisation},
    )
    url = reverse("bridging:handover_create", args=[course.pk])
    return redirect(f"{url}?mode=team&offer={offer.pk}")


def _get_handover_for_user(request, pk):
    return get_object_or_404(
        Handover.objects.visible_to(request.user).select_related(
            "course__programme", "offer", "receiver", "contact_participant"
        ),
        pk=pk,
    )


@coordinators
def handover_detail(request, pk):
    handover = _get_handover_for_user(request, pk)
    if handover.course.programme.organisation_id != request.membership.organisation_id:
        raise PermissionDenied
    members = list(
        HandoverParticipant.objects.visible_to(request.user)
        .filter(handover=handover)
        .select_related("participant")
        .prefetch_related("follow_ups")
        .annotate(stopped_at=handovers.stopped_at(OuterRef("pk")))
    )
    today = timezone.localdate()
    typed = request.session.pop(TYPED_ANSWER, None)  # an answer refused just before
    for member in members:
        member.handover = handover
        member.start_proposal = handovers.start_date_proposal(member)
        member.typed_start = _typed_for(typed, "start", member.pk)
        member.typed_decline = _typed_for(typed, "decline", member.pk)
        for follow_up in member.follow_ups.all():
            follow_up.is_open = handovers.follow_up_opens_on(follow_up) <= today
            follow_up.opens_on = handovers.follow_up_opens_on(follow_up)
            follow_up.typed = _typed_for(typed, "follow_up", follow_up.pk)
            follow_up.stopped_at = member.stopped_at
    return render(
        request,
        "bridging/handover_detail.html",
        {
            "handover": handover,
            "members": members,
            "decline_form": DeclineForm(),
            "follow_up_form": FollowUpForm(),
        },
    )


@coordinators
def handover_list(request):
    order = ("-handover__created_at", "participant__first_name", "pk")
    members = (
        HandoverParticipant.objects.visible_to(request.user)
        .filter(handover__course__programme__organisation=request.membership.organisation)
        .order_by(*order)
    )
    page = _paginate(request, members.values("pk"))
    # The page's ids are found on the narrow rows; only its 50 are joined to what they show
    # (one query: the page is a subquery).
    page.object_list = list(
        HandoverParticipant.objects.filter(pk__in=page.object_list)
        .select_related("participant", "handover__course", "handover__offer", "handover__receiver")
        .only(  # what the list shows
            "status",
            "participant__first_name",
            "participant__last_name",
            "participant__anonymised_at",
            "handover__mode",
            "handover__meeting_place",
            "handover__course__name",
            "handover__offer__name",
            "handover__receiver__name",
        )
        .order_by(*order)
    )
    handover_url = url_for_each("bridging:handover_detail")  # one reverse for the page
    for member in page.object_list:
        member.handover_url = handover_url(member.handover_id)
    return render(request, "bridging/handover_list.html", {"page": page})


def _paginate(request, queryset):
    return Paginator(queryset, 50).get_page(request.GET.get("page"))


INBOX_GROUPS_PER_PAGE = 5
INBOX_ROWS_PER_PAGE = 25
# What the inbox shows of a person waiting, and of the handover that sent them.
INBOX_PERSON_FIELDS = (
    "handover_id",
    "participant_id",
    "status",
    "sent_at",
    *(
        f"participant__{name}"
        for name in (
            "first_name",
            "last_name",
            "anonymised_at",
            "phone",
            "email",
            "preferred_weekdays",
            "preferred_times",
            "continue_with_team",
        )
    ),
)
INBOX_HANDOVER_FIELDS = (
    "mode",
    "note",
    "course__name",
    "course__programme__organisation__name",
    "offer__name",
    "offer__weekday_mask",
    "proposed_by__first_name",
    "proposed_by__last_name",
    "proposed_by__username",
)


class _WindowSum(Func):
    """SUM(...) OVER (): Django's Sum refuses an aggregate inside, which a window may hold."""

    function = "SUM"
    window_compatible = True
    output_field = IntegerField()


def _waiting_groups(request, organisation):
    """A page of the handovers with people waiting (the newest first), each row with the
    handover's id, and the people waiting and their handovers counted over all pages (for the
    heading, the navigation and the pages): one query, counted as windows over the grouped rows.
    Past the last page the counts come first and the last page is shown, as
    Paginator.get_page does."""
    groups = (
        inbox_waiting(request.user, organisation)
        .values("handover")
        .annotate(
            last_sent=Max("sent_at"),
            handovers=Window(Count("*")),
            people=Window(_WindowSum(Count("*"))),
        )
        .order_by("-last_sent", "-handover")
    )
    paginator = Paginator(groups, INBOX_GROUPS_PER_PAGE)
    number = page_param(request.GET.get("page"))
    if number >= 1:
        rows = list(groups[(number - 1) * INBOX_GROUPS_PER_PAGE :][:INBOX_GROUPS_PER_PAGE])
        if rows:
            paginator.count = rows[0]["handovers"]
            return Page(rows, number, paginator), int(rows[0]["people"])
        if number == 1:  # no one waits
            paginator.count = 0
            return Page([], 1, paginator), 0
    counts = inbox_waiting(request.user, organisation).aggregate(
        people=Count("*"), handovers=Count("handover", distinct=True)
    )
    paginator.count = counts["handovers"]
    page = paginator.get_page(number)
    page.object_list = list(page.object_list) if paginator.count else []
    return page, counts["people"]


def inbox_people(handovers, organisation, today):
    """The people waiting in `handovers` (ids), each with their participant (what the inbox
    shows of them) and `may_contact`: whether they agreed to share their contact details with
    `organisation` (an id), asked of each row (a few dozen), not in a query of its own."""
    may_contact = Consent.objects.active(today).filter(
        purpose="share_contact", organisation=organisation, participant=OuterRef("participant")
    )
    return (
        HandoverParticipant.objects.filter(handover__in=handovers, status=Status.SENT)
        .select_related("participant")
        .only(*INBOX_PERSON_FIELDS)
        .annotate(may_contact=Exists(may_contact))
        .order_by("-sent_at", "pk")
    )


def inbox_handovers(handovers):
    """The handovers (ids) with what the inbox shows of them."""
    return (
        Handover.objects.select_related("offer", "course__programme__organisation", "proposed_by")
        .only(*INBOX_HANDOVER_FIELDS)
        .filter(pk__in=handovers)
    )


def inbox_wished(participants):
    """(participant id, activity name) of the activities `participants` (ids) wish for, by
    name (a prefetch would build a related manager and a queryset for each person only to
    list a few names)."""
    return (
        Participant.preferred_activities.through.objects.filter(participant__in=participants)
        .order_by("activitytype__name", "pk")
        .values_list("participant_id", "activitytype__name")
    )


# Building and compiling these three took more Python than running them (the page shows the
# same few handovers): built once per process and number of ids (common.prepared).
_INBOX_PEOPLE = Prepared(inbox_people)
_INBOX_HANDOVERS = Prepared(inbox_handovers)
_INBOX_WISHED = Prepared(inbox_wished)


@parties
def inbox(request):
    """The receiving organisation's inbox: who is coming, what they need to know, and the
    organisation's own response figures."""
    organisation = request.membership.organisation
    if request.membership.role != Role.STAFF:
        raise Http404
    # A page at a time, however many are on their way: waiting people grouped by handover
    # (the newest first), the accepted, and the follow-ups due.
    mine = HandoverParticipant.objects.visible_to(request.user).filter(
        handover__receiver=organisation
    )
    today = timezone.localdate()
    groups, waiting_count = _waiting_groups(request, organisation)
    handover_ids = [row["handover"] for row in groups]
    waiting = []
    if handover_ids:
        # The people waiting in the page's handovers, and the handovers with what they show,
        # in two small queries rather than one of eight tables, which took longer to plan than
        # to run. The handovers come from the visible ones counted above, so the visibility
        # rule is not planned again.
        waiting = _INBOX_PEOPLE.all(
            handovers=handover_ids, organisation=organisation.pk, today=today
        )
        sent = {handover.pk: handover for handover in _INBOX_HANDOVERS.all(handovers=handover_ids)}
        for member in waiting:
            member.handover = sent[member.handover_id]
    # Their wished activities by name, in one query.
    wished = defaultdict(list)
    if waiting:
        participants = sorted({member.participant_id for member in waiting})
        for participant_id, name in _INBOX_WISHED.rows(participants=participants):
            wished[participant_id].append(name)
    for member in waiting:
        member.wished_activities = wished[member.participant_id]
    # The organisation's response figures, and how many it has accepted who have not started
    # yet (accepted people have been answered: handovers.handover_accept and
    # handover_accept_group set answered_at), counted on a column of the answered index
    # (handover, never null): read from that index per handover of the organisation, not from
    # every handed-over row.
    stats = HandoverParticipant.objects.filter(
        handover__receiver=organisation, answered_at__isnull=False, sent_at__isnull=False
    ).aggregate(
        answered=Count("handover"),
        # Answered and not declined: accepted, started, or withdrawn by the participant after
        # the acceptance (only a declined answer is a no; the funnel counts them accepted too).
        accepted=Count("handover", filter=~Q(status=Status.DECLINED)),
        not_started=Count("handover", filter=Q(status=Status.ACCEPTED)),
        reply_time=Avg(F("answered_at") - F("sent_at")),
    )
    accepted = _page(
        mine.filter(status=Status.ACCEPTED)
        .select_related("participant", "handover__offer")
        .order_by("first_session_on", "pk"),
        stats["not_started"],
        request.GET.get("accepted_page"),
    )
    due = Paginator(
        FollowUp.objects.filter(
            member__in=mine.exclude(status=Status.DECLINED),
            answer="",
            # Open for an answer from a few weeks before they fall due.
            due_on__lte=today + handovers.FOLLOW_UP_OPENS_BEFORE,
        )
        .select_related("member__participant", "member__handover__offer")
        # Stopped at an earlier follow-up: said beside the question, which is still asked.
        .annotate(stopped_at=handovers.stopped_at(OuterRef("member")))
        .order_by("due_on", "pk"),
        INBOX_ROWS_PER_PAGE,
    ).get_page(request.GET.get("follow_ups_page"))
    follow_ups = [(follow_up.member, follow_up) for follow_up in due] if due.paginator.count else []
    # Each person's answer links, reversed once for the page, not once per person.
    # Past the first page, an answer returns to the page it came from.
    on_page = f"?page={groups.number}" if groups.number > 1 else ""
    accept_url = url_for_each("bridging:handover_transition", then=("accept",))
    decline_url = url_for_each("bridging:handover_transition", then=("decline",))
    for member in waiting:
        member.accept_url = accept_url(member.pk) + on_page
        member.decline_url = decline_url(member.pk) + on_page
    start_url = url_for_each("bridging:handover_transition", then=("start",))
    typed = request.session.pop(TYPED_ANSWER, None)  # an answer refused just before
    for member in accepted:
        member.start_proposal = handovers.start_date_proposal(member)
        member.start_url = start_url(member.pk)
        member.typed = _typed_for(typed, "start", member.pk)
    for _member, follow_up in follow_ups:
        follow_up.typed = _typed_for(typed, "follow_up", follow_up.pk)
    # Everyone shown goes into their access log: one entry for the page's list of them (as
    # an export's), which each participant's page and data export show among their own.
    log_list_access(
        participant_ids=[m.participant_id for m in [*waiting, *accepted]]
        + [m.participant_id for m, _f in follow_ups],
        membership=request.membership,
        action=ParticipantAccess.Action.INBOX,
    )
    waiting_handovers = _by_handover(waiting, today, on_page)
    return render(
        request,
        "bridging/inbox.html",
        {
            "organisation": organisation,
            "inbox_waiting": waiting_count,  # instead of the navigation's own count
            "waiting_handovers": waiting_handovers,
            # An answer refused just before comes back in its form (_keep_typed).
            "waiting_html": waiting_html(waiting_handovers, typed, get_token(request)),
            "groups": groups,
            "accepted": accepted,
            "follow_ups": follow_ups,
            "follow_ups_page": due,
            "stats": stats,
            "reply_days": stats["reply_time"].days if stats["reply_time"] else None,
            "accept_share": round(100 * stats["accepted"] / stats["answered"])
            if stats["answered"]
            else None,
            "follow_up_form": FollowUpForm() if follow_ups else None,
        },
    )


def _page(queryset, count, number, per_page=INBOX_ROWS_PER_PAGE):
    """A page of `queryset` whose rows were counted already (`count`); none read when none."""
    paginator = Paginator(queryset, per_page)
    paginator.count = count
    page = paginator.get_page(number)
    page.object_list = list(page.object_list) if count else []
    return page


def _by_handover(members, today, on_page=""):
    """Waiting people grouped by the handover that sent them (a group is answered together),
    each group with the offer's next session as the proposed first session."""
    groups = {}
    accept_group_url = url_for_each("bridging:handover_accept_group")
    for member in members:
        handover = member.handover
        if handover.pk not in groups:
            groups[handover.pk] = {
                "handover": handover,
                "members": [],
                "first_session_on": handovers.next_session_on(handover.offer, today),
                "accept_url": accept_group_url(handover.pk) + on_page,
            }
        groups[handover.pk]["members"].append(member)
    return list(groups.values())


@require_POST
@parties
def handover_accept_group(request, pk):
    """The receiving organisation accepts everyone waiting in a group or team handover."""
    handover = _get_handover_for_user(request, pk)
    if not (
        request.membership.role == Role.STAFF
        and handover.receiver_id == request.membership.organisation_id
    ):
        raise PermissionDenied
    form = AcceptForm(request.POST)
    try:
        if not form.is_valid():
            raise JourneyError(_accept_error(form))
        accepted = handovers.handover_accept_group(
            handover=handover, user=request.user, **form.cleaned_data
        )
    except JourneyError as error:
        messages.error(request, error.args[0])
        _keep_typed(request, "group", handover.pk, form, error.args[0])
    else:
        messages.success(
            request,
            ngettext("%(count)s is accepted.", "%(count)s are accepted.", len(accepted))
            % {"count": len(accepted)},
        )
    return redirect(_inbox_url(request))


# A refused answer in the inbox is kept in the session for the page the answer returns to
# (Post/Redirect/Get, with htmx too): what was typed, the fields to fix and the message, shown
# again in the form it came from (templatetags/inbox.py). Read and forgotten by the next inbox.
TYPED_ANSWER = "inbox_typed_answer"
ANSWER_FIELDS = {
    "accept": ("first_session_on", "buddy"),
    "group": ("first_session_on", "buddy"),
    "decline": ("reason", "note"),
    "start": ("started_on",),
    "follow_up": ("answer", "stop_reason"),
}


def _keep_typed(request, form_name, pk, form, error) -> None:
    fields = ANSWER_FIELDS[form_name]
    request.session[TYPED_ANSWER] = {
        "form": form_name,
        "pk": pk,
        "error": str(error),
        "invalid": _fields_to_fix(form, fields),
        # As typed (more than a field holds is refused, not cut: shown, up to a limit).
        "data": {name: request.POST.get(name, "")[:1000] for name in fields},
    }


def _fields_to_fix(form, fields) -> list[str]:
    invalid = [name for name in form.errors if name in fields]
    data = getattr(form, "cleaned_data", {})
    if not invalid and data.get("reason") == "other" and not data.get("note", "").strip():
        invalid = ["note"]  # the service's rule (handover_decline): "other" needs a few words
    if not invalid and data.get("answer") == "stopped" and not data.get("stop_reason", "").strip():
        invalid = ["stop_reason"]  # the service's rule (follow_up_answer): say why they stopped
    if not invalid and "started_on" in fields:
        invalid = ["started_on"]  # the date is all the start form asks
    return invalid


def _typed_for(typed, form_name, pk):
    """The refused answer kept for the form `form_name` of `pk`, or None."""
    if typed and typed["form"] == form_name and typed["pk"] == pk:
        return typed
    return None


def _accept_error(form) -> str:
    """What to fix in a refused acceptance, in words: the date and the contact person, and
    what is wrong with a value given (a date that is not one, a name too long)."""
    problems = [
        f"{form.fields[name].label}: {error.messages[0]}"
        for name, errors in form.errors.as_data().items()
        for error in errors[:1]
        if error.code != "required"
    ]
    return " ".join([_("Give the first session's date and a contact person."), *problems])


def _inbox_url(request) -> str:
    """The inbox page an answer came from (its forms carry the page number past the first)."""
    page = id_param(request.GET.get("page"))
    url = reverse("bridging:inbox")
    return f"{url}?page={page}" if page and page > 1 else url


def _get_member_for_user(request, pk):
    return get_object_or_404(
        HandoverParticipant.objects.visible_to(request.user).select_related(
            "handover__course__programme", "participant"
        ),
        pk=pk,
    )


def _is_receiver(request, member):
    return (
        request.membership.role == Role.STAFF
        and member.handover.receiver_id == request.membership.organisation_id
    )


def _is_project(request, member):
    return (
        request.membership.role == Role.COORDINATOR
        and member.handover.course.programme.organisation_id == request.membership.organisation_id
    )


@require_POST
@parties
def handover_transition(request, pk, action):
    member = _get_member_for_user(request, pk)
    receiver, project = _is_receiver(request, member), _is_project(request, member)
    try:
        if action == "send" and project:
            handovers.handover_send(member=member)
            message = _("Sent to the organisation.")
        elif action == "accept" and receiver:
            form = AcceptForm(request.POST)
            if not form.is_valid():
                raise JourneyError(_accept_error(form))
            handovers.handover_accept(member=member, user=request.user, **form.cleaned_data)
            message = _("%(name)s is accepted.") % {"name": member.participant}
        elif action == "decline" and (receiver or project):
            form = DeclineForm(request.POST)
            if not form.is_valid():
                raise JourneyError(
                    _("Choose a reason for declining.")
                    if "reason" in form.errors
                    else f"{form.fields['note'].label}: {form.errors['note'][0]}"
                )
            handovers.handover_decline(member=member, user=request.user, **form.cleaned_data)
            message = _("The answer is recorded.")
        elif action == "start" and (receiver or project):
            form = StartForm(request.POST)
            if not form.is_valid():
                raise JourneyError(_("Give the date of the first session at the offer."))
            handovers.handover_start(member=member, started_on=form.cleaned_data["started_on"])
            message = _("%(name)s has started.") % {"name": member.participant}
        elif action in ("send", "accept", "decline", "start"):
            raise PermissionDenied
        else:
            raise Http404
    except JourneyError as error:
        messages.error(request, error.args[0])
        if action in ("accept", "decline", "start"):
            _keep_typed(request, action, member.pk, form, error.args[0])
    else:
        messages.success(request, message)
    # With htmx the redirect is followed and only the page's main content is swapped.
    return redirect(_inbox_url(request) if receiver else member.handover.get_absolute_url())


@require_POST
@parties
def follow_up_answer(request, pk):
    follow_up = get_object_or_404(
        FollowUp.objects.filter(
            member__in=HandoverParticipant.objects.visible_to(request.user)
        ).select_related("member__handover__course__programme"),
        pk=pk,
    )
    member = follow_up.member
    if not (_is_receiver(request, member) or _is_project(request, member)):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    try:
        if not form.is_valid():
            raise JourneyError(_("Choose active, stopped or unknown."))
        handovers.follow_up_answer(follow_up=follow_up, user=request.user, **form.cleaned_data)
    except JourneyError as error:
        messages.error(request, error.args[0])
        _keep_typed(request, "follow_up", follow_up.pk, form, error.args[0])
    else:
        messages.success(request, _("The follow-up is answered."))
    return redirect("bridging:inbox" if _is_receiver(request, member) else member.handover)
