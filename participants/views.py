"""Participant pages: for coordinators (read and write) and instructors (read, when allowed).

Association staff and users without a project role get a 404 on every page here.
"""

import datetime
import heapq
import itertools
import json
import operator

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, get_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common import fragments
from common.choices import choice_labels
from common.forms import ConfirmForm, create_once, repeated_post
from common.prepared import Prepared
from common.search import suggestions_response
from common.urls import url_for_each
from partnerships.access import role_required
from partnerships.models import Membership, Offer
from partnerships.models.organisations import LOADED_MEMBERSHIPS

from . import hooks, matching, services, timeline
from .consent_texts import consent_text, current_version
from .export import PARTICIPANT_FIELDS, participant_export
from .forms import (
    AnonymiseForm,
    ConsentForm,
    ParticipantForm,
    ParticipantSearchForm,
    ReturnParticipantForm,
    WithdrawConsentForm,
    WithdrawParticipantForm,
)
from .models import Consent, ListAccess, Participant, ParticipantAccess

Role = Membership.Role
Action = ParticipantAccess.Action
PAGE_SIZE = 25
_NAME = ("first_name", "last_name", "username")
# What the participant page shows of each consent and line of the access log (and the
# timeline of the consents): the rows without the columns of the people and organisations it
# does not show, which were most of the time of building their queries.
CONSENT_SHOWN = [
    "participant", "purpose", "organisation__name", "text_version", "given_on", "method",
    "withdrawn_on", *(f"recorded_by__{field}" for field in _NAME),
]  # fmt: skip
ACCESS_SHOWN = ["at", "role", "action", "fields", *(f"user__{f}" for f in _NAME)]
ACCESS_LOG_SHOWN = 20  # the newest entries of the access log on the participant page


project_roles_only = role_required(Role.COORDINATOR, Role.INSTRUCTOR, hidden=True)
"""Only coordinators and instructors know these pages exist."""


def _require_coordinator(request):
    if request.membership.role != Role.COORDINATOR:
        raise PermissionDenied


def _get_participant_for_user(request, pk):
    """The participant with their status, as `Participant.objects.visible_to` finds them. On
    every participant page, so for a user whose memberships the request has read the query is
    built once per process and shape (`Prepared`): the status's dozen subqueries cost more to
    build and compile than to run."""
    user = request.user
    memberships = getattr(user, LOADED_MEMBERSHIPS, None)
    if user.is_authenticated and user.is_active and not user.is_superuser and memberships:
        seeing_all, teaching = Participant.objects.projects_seen(memberships)
        participant = _PARTICIPANT.get_or_none(
            user=user.pk,
            pk=pk,
            seeing_all=seeing_all,
            teaching=teaching,
            today=timezone.localdate(),
        )
        if participant is None:
            raise Http404
        return participant
    return get_object_or_404(
        Participant.objects.visible_to(user)
        .with_kept_status()
        .select_related("organisation")
        .annotate(**{timeline.HAS_RETURNED: timeline.returned()}),
        pk=pk,
    )


def _participant_lookup(user, pk, seeing_all, teaching, today):
    # The scope `visible_to` gives a user (by id) with these memberships (`projects_seen`).
    participants = Participant.objects.all()
    return (
        participants.filter(participants.scope_condition(user, seeing_all, teaching))
        .with_kept_status(today)
        .select_related("organisation")
        .annotate(**{timeline.HAS_RETURNED: timeline.returned()})  # in the same query
        .filter(pk=pk)
    )


_PARTICIPANT = Prepared(_participant_lookup)


def _consents(participant):
    return (
        Consent.objects.of_visible(participant)
        .select_related("organisation", "recorded_by")
        .only(*CONSENT_SHOWN)
    )


# The same query for every participant: built and compiled once per process (common.prepared).
_CONSENTS = Prepared(_consents)


def _get_rw_participant_for_user(request, pk):
    participant = _get_participant_for_user(request, pk)
    _require_coordinator(request)
    if participant.organisation_id != request.membership.organisation_id:
        raise PermissionDenied
    return participant


@project_roles_only
def participant_list(request):
    form = ParticipantSearchForm(request.GET or None)
    # The project the user acts for now, as the overview counts it.
    listed = Participant.objects.visible_to(request.user).filter(
        organisation=request.membership.organisation, anonymised_at__isnull=True
    )
    page = Paginator(form.filter(listed), PAGE_SIZE).get_page(request.GET.get("page"))
    # The rows of the page with their status (the journey part as the services keep it, as
    # the filter and the overview's counts read it), in one query: the subquery (visibility,
    # search, order, page) picks the 25, and the outer query fetches them by primary key, so
    # it does not repeat the visibility filter over the whole project.
    page.object_list = list(
        Participant.objects.with_kept_status().filter(pk__in=page.object_list.values("pk"))
    )
    address = url_for_each("participants:participant_detail")
    for participant in page.object_list:
        participant.url = address(participant.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participants/participant_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "organisation": request.membership.organisation,
            "is_coordinator": request.membership.role == Role.COORDINATOR,
            "instructor_access_warning": instructor_access_warning(request.membership.organisation),
        },
    )


@project_roles_only
def participant_create(request):
    _require_coordinator(request)
    organisation = request.membership.organisation
    if repeat := repeated_post(request):
        return repeat
    form = ParticipantForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if form.is_valid():
        try:
            made = create_once(
                request,
                form,
                lambda: services.participant_create(form=form, membership=request.membership),
            )
        except services.DuplicateParticipant:
            form.add_duplicate_error()
        else:
            if not isinstance(made, Participant):
                return made  # the same form posted again: to what the first post made
            messages.success(request, _("The participant is registered. Record their consent now."))
            return redirect("participants:consent_create", pk=made.pk)
    return render(
        request, "participants/participant_form.html", {"form": form, "participant": None}
    )


@project_roles_only
def participant_update(request, pk):
    participant = _get_rw_participant_for_user(request, pk)
    if participant.is_anonymised:
        raise PermissionDenied
    form = ParticipantForm(
        request.POST if request.method == "POST" else None,
        instance=participant,
        organisation=participant.organisation,
    )
    if form.is_valid():
        services.participant_update(form=form, membership=request.membership)
        messages.success(request, _("The changes are saved."))
        return redirect(participant)
    return render(
        request, "participants/participant_form.html", {"form": form, "participant": participant}
    )


def _activity_names(participant):
    """The names of the participant's preferred activities, in the order of ActivityType
    (by name), as `preferred_activities` gives them."""
    return (
        Participant.preferred_activities.through.objects.filter(participant_id=participant)
        .values_list("activitytype__name")
        .order_by("activitytype__name")
    )


# The same query for every participant: built and compiled once per process (common.prepared).
_ACTIVITY_NAMES = Prepared(_activity_names)


@project_roles_only
def participant_detail(request, pk):
    participant = _get_participant_for_user(request, pk)
    services.log_access(participant=participant, membership=request.membership, action=Action.VIEW)
    is_coordinator = request.membership.role == Role.COORDINATOR
    # Read once, kept on the participant: the timeline lists the same consents. The participant
    # was read through Participant.visible_to just now, so all of their consents are visible.
    consents = _CONSENTS.all(participant=participant.pk)
    participant.__dict__[timeline.CONSENTS_READ] = consents
    withdraw_url = url_for_each("participants:consent_withdraw", participant.pk)
    for consent in consents:
        consent.withdraw_url = withdraw_url(consent.pk)
    today = timezone.localdate()
    summary = hooks.summary(request, participant)
    active = [c for c in consents if c.withdrawn_on is None or c.withdrawn_on > today]
    registered = any(c.purpose == Consent.Purpose.REGISTRATION for c in active)
    if is_coordinator and not participant.is_anonymised and not registered:
        summary.next_steps.insert(
            0,
            hooks.NextStep(
                text=_("No consent to registration is recorded."),
                action=_("Record consent"),
                url=reverse("participants:consent_create", args=[participant.pk]),
                icon="file-earmark-check",
            ),
        )
    context = {
        "participant": participant,
        "is_coordinator": is_coordinator,
        "show_health": request.membership.role in Participant.HEALTH_ROLES,
        "activities": [name for (name,) in _ACTIVITY_NAMES.rows(participant=participant.pk)],
        "consents": consents,
        "active_consents": len(active),
        "summary": summary,
        "next_step": summary.next_steps[0] if summary.next_steps else None,
        "timeline": _timeline_rows(hooks.timeline(participant)),
        "sections": hooks.page_sections(request, participant),
        "today": today,
        "today_iso": today.isoformat(),  # as {{ today|date:"Y-m-d" }}, once for every consent
    }
    if is_coordinator:
        # The participant's own entries and the lists (exports) they were in, each read
        # newest first as far as the page shows, merged by time.
        entries = ParticipantAccess.objects.of_participant(request.user, participant)
        lists = ListAccess.objects.of_participant(request.user, participant)
        newest = heapq.merge(
            entries.order_by("-at", "-pk").values_list(*ACCESS_SHOWN)[:ACCESS_LOG_SHOWN],
            lists.order_by("-at", "-pk").values_list(*ACCESS_SHOWN)[:ACCESS_LOG_SHOWN],
            key=operator.itemgetter(0),
            reverse=True,
        )
        context["access_log"] = _access_rows(itertools.islice(newest, ACCESS_LOG_SHOWN))
    return render(request, "participants/participant_detail.html", context)


def _timeline_rows(events) -> str:
    """The timeline's items (jinja2/participants/timeline_rows.html), newest first: each day
    formatted once (SHORT_DATE_FORMAT), where the Django template formatted the date of every
    event (many share a day)."""
    shown = {}
    rows = []
    for event in events:
        if event.on not in shown:
            shown[event.on] = date_format(event.on, "SHORT_DATE_FORMAT")
        rows.append((shown[event.on], str(event.title), str(event.detail or "")))
    return fragments.render("participants/timeline_rows.html", events=rows)


def _access_rows(entries) -> str:
    """The access log's rows (jinja2/participants/access_rows.html) from the values of
    ACCESS_SHOWN (no model instances): when, who in which role and what, worked out here, where
    the Django template looked up and filtered a dozen values on each of 20 rows. The labels of
    the actions and roles are translated once."""
    system = _("System")
    actions = choice_labels(ParticipantAccess, "action")
    roles = {value: str(label).lower() for value, label in Role.choices}
    when_format = get_format("SHORT_DATETIME_FORMAT")
    zone = timezone.get_current_timezone()
    rows = []
    for at, role, action, fields, first_name, last_name, username in entries:
        # The user's name as User.get_full_name gives it, else the username; no user (deleted,
        # or a command) is the system.
        who = system if username is None else f"{first_name} {last_name}".strip() or username
        what = actions.get(action, action)
        if fields:
            what = f"{what}: {ParticipantAccess(fields=fields).get_fields_display()}"
        rows.append(
            (
                dateformat.format(timezone.localtime(at, zone), when_format),
                who,
                roles.get(role, role) if role else system.lower(),
                what,
            )
        )
    return fragments.render("participants/access_rows.html", rows=rows)


@project_roles_only
def matching_offers(request, pk):
    """The directory's offers ranked against the participant's wishes, with the reasons."""
    # The page shows no status: the participant is read without its (costly) annotation.
    participant = get_object_or_404(Participant.objects.visible_to(request.user), pk=pk)
    if participant.is_anonymised:
        raise Http404
    prefetch_related_objects([participant], "preferred_activities")  # read once, used twice
    matches = matching.matching_offers(participant, Offer.objects.visible_to(request.user))
    actions = hooks.offer_actions(request, participant)
    address = url_for_each("partnerships:offer_detail")
    for match in matches:
        match.actions = actions(match.offer)
        match.url = address(match.offer.pk)
    return render(
        request,
        "participants/matching_offers.html",
        {
            "participant": participant,
            "matches": matches,
            "activities": list(participant.preferred_activities.all()),
        },
    )


@project_roles_only
def consent_create(request, pk):
    """The paper consent form: every purpose and receiving organisation ticked at once."""
    participant = _get_rw_participant_for_user(request, pk)
    form = ConsentForm(request.POST if request.method == "POST" else None, participant=participant)
    if form.is_valid():
        try:
            consents = services.consents_record(
                participant=participant, membership=request.membership, **form.cleaned_data
            )
        except services.ParticipantError as error:
            form.add_error(None, error.args[0])
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d consent is recorded.",
                    "%(count)d consents are recorded.",
                    len(consents),
                )
                % {"count": len(consents)},
            )
            return redirect(participant)
    texts = {
        purpose: consent_text(purpose, current_version(purpose)) for purpose in Consent.Purpose
    }
    return render(
        request,
        "participants/consent_form.html",
        {
            "form": form,
            "participant": participant,
            "texts": texts,
            "purpose_boxes": [(box, texts[box.data["value"]]) for box in form["purposes"]],
        },
    )


@require_GET
@project_roles_only
def consent_organisation_suggestions(request):
    """A page of receiving organisations for the consent form's search field (the shared
    directory, the same for every participant)."""
    _require_coordinator(request)
    return suggestions_response(request, ConsentForm()["organisations"])


@require_POST
@project_roles_only
def consent_withdraw(request, pk, consent_pk):
    participant = _get_rw_participant_for_user(request, pk)
    consent = get_object_or_404(
        Consent.objects.visible_to(request.user), pk=consent_pk, participant=participant
    )
    form = WithdrawConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(
                consent=consent, membership=request.membership, on=form.cleaned_data["withdrawn_on"]
            )
        except services.ParticipantError as error:
            form.add_error("withdrawn_on", error.args[0])
        else:
            messages.success(request, _("The withdrawal is recorded."))
            return redirect(participant)
    return render(
        request,
        "confirm_action.html",
        {
            "title": _("Withdraw the consent: %(purpose)s")
            % {"purpose": consent.get_purpose_display()},
            "warning": _(
                "From the date of withdrawal the consent no longer covers anything done "
                "with the participant's data."
            ),
            "form": form,
            "action": request.path,
            "button": _("Record withdrawal"),
            "back": participant.get_absolute_url(),
        },
    )


@project_roles_only
def participant_export_json(request, pk):
    participant = _get_rw_participant_for_user(request, pk)
    services.log_access(
        participant=participant, membership=request.membership, action=Action.EXPORT_JSON
    )
    body = json.dumps(participant_export(participant), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deltager-{participant.pk}.json"'
    return response


def _field_label(name: str) -> str:
    if name == "registered_by":
        return _("Registered by")
    if name == "status":  # derived, not a field
        return _("Status")
    try:
        return capfirst(Participant._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _readable(participant, name: str, value):
    """A value of the export as a person reads it on the printable page (the JSON file keeps
    the codes): a choice by its label, days and times of day by name, lists joined, dates and
    moments in the language's own format."""
    display = getattr(participant, f"get_{name}_display", None)
    if display is not None:
        value = display()
    elif name in PARTICIPANT_FIELDS:
        value = getattr(participant, name)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


def _moment(iso: str | None):
    """An ISO date or moment of the export, to be formatted in the page's language."""
    if not iso:
        return iso
    return parse_datetime(iso) or parse_date(iso)


@project_roles_only
def participant_export_page(request, pk):
    participant = _get_rw_participant_for_user(request, pk)
    services.log_access(
        participant=participant, membership=request.membership, action=Action.EXPORT_PAGE
    )
    data = participant_export(participant)
    return render(
        request,
        "participants/participant_export.html",
        {
            "participant": participant,
            "data": data,
            # The printable page names each field and value as the forms do, not by its code.
            "fields": [
                (_field_label(name), _readable(participant, name, value))
                for name, value in data["participant"].items()
            ],
            "exported_at": _moment(data["exported_at"]),
            "consents": [
                {
                    **c,
                    "given_on": _moment(c["given_on"]),
                    "withdrawn_on": _moment(c["withdrawn_on"]),
                }
                for c in data["consents"]
            ],
            "access_log": [{**entry, "at": _moment(entry["at"])} for entry in data["access_log"]],
        },
    )


@project_roles_only
def participant_withdraw(request, pk):
    """The participant leaves the programme: a coordinator's action with a date and a reason,
    confirmed on its own page. Every other status follows from what happened."""
    participant = _get_rw_participant_for_user(request, pk)
    if participant.is_anonymised or participant.withdrawn_on:
        raise PermissionDenied
    form = WithdrawParticipantForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.participant_withdraw(
                participant=participant,
                membership=request.membership,
                on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
            )
        except services.ParticipantError as error:
            form.add_error(None, error.args[0])
        else:
            messages.success(request, _("It is recorded that the participant left the programme."))
            return redirect(participant)
    return render(
        request,
        "confirm_action.html",
        {
            "title": _("%(name)s leaves the programme") % {"name": participant},
            "warning": _(
                "The participant is taken off every planned or running course, and the first "
                "on the waitlist gets the place. The status becomes 'Withdrawn'."
            ),
            "form": form,
            "action": request.path,
            "button": _("Record that the participant left"),
            "back": participant.get_absolute_url(),
        },
    )


@project_roles_only
def participant_return(request, pk):
    """The participant is back in the programme after leaving it: a coordinator's action with
    the day they were back, confirmed on its own page. Someone who has not left is sent back
    to their page."""
    participant = _get_rw_participant_for_user(request, pk)
    if participant.is_anonymised or not participant.withdrawn_on:
        return redirect(participant)
    form = ReturnParticipantForm(
        request.POST if request.method == "POST" else None, left_on=participant.withdrawn_on
    )
    if form.is_valid():
        try:
            services.participant_return(
                participant=participant,
                membership=request.membership,
                on=form.cleaned_data["returned_on"],
            )
        except services.ParticipantError as error:  # e.g. another coordinator was first
            form.add_error(None, error.args[0])
        else:
            messages.success(
                request, _("It is recorded that the participant is back in the programme.")
            )
            return redirect(participant)
    return render(
        request,
        "confirm_action.html",
        {
            "title": _("%(name)s is back in the programme") % {"name": participant},
            "warning": _(
                "Leaving the programme on %(day)s is undone; the timeline keeps both. The "
                "courses they were taken off are not given back: enrol them again (a place may "
                "have gone to the waitlist)."
            )
            % {"day": date_format(participant.withdrawn_on, "SHORT_DATE_FORMAT")},
            "form": form,
            "action": request.path,
            "button": _("Record that the participant is back"),
            "back": participant.get_absolute_url(),
        },
    )


@project_roles_only
def participant_anonymise(request, pk):
    participant = _get_rw_participant_for_user(request, pk)
    if participant.is_anonymised:
        messages.error(request, _("The participant is already anonymised."))
        return redirect(participant)
    form = AnonymiseForm(
        request.POST if request.method == "POST" else None, participant=participant
    )
    if form.is_valid():
        try:
            services.participant_anonymise(participant=participant, membership=request.membership)
        except services.ParticipantError as error:
            messages.error(request, error.args[0])
        else:
            messages.success(request, _("The participant is anonymised."))
        return redirect(participant)
    return render(
        request,
        "participants/participant_anonymise.html",
        {"form": form, "participant": participant},
    )


def instructor_access_warning(organisation):
    return _(
        "Every instructor at %(organisation)s loses access to the participants: they see only "
        "those on the teams they teach, and no one else's health notes."
    ) % {"organisation": organisation}


@require_POST
@project_roles_only
def instructor_access(request):
    """The coordinator decides whether the project's instructors see its participants."""
    _require_coordinator(request)
    organisation = request.membership.organisation
    allow = request.POST.get("allow") == "1"
    if not allow and organisation.instructors_see_participants:
        form = ConfirmForm(request.POST, label=_("Yes, stop the instructors' access"))
        if not form.is_valid():
            return form.page(
                request,
                title=_("Stop instructors' access"),
                warning=instructor_access_warning(organisation),
                back=reverse("participants:participant_list"),
            )
    organisation.instructors_see_participants = allow
    organisation.save(update_fields=["instructors_see_participants"])
    if organisation.instructors_see_participants:
        messages.success(request, _("Your instructors can now see the participants."))
    else:
        messages.success(request, _("Your instructors can no longer see the participants."))
    return redirect("participants:participant_list")
