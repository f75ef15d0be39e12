"""The coordinator's funnel for a programme (or one course), with exports."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from common.charts import bars
from common.exports import table_response
from common.params import id_param
from participants.models import ParticipantAccess

from .. import funnel as funnel_module
from ..models import Course, Enrolment, Handover, HandoverParticipant
from .access import coordinators, get_rw_programme_for_user


def _scope(request, pk):
    programme = get_rw_programme_for_user(request, pk)
    course = None
    if request.GET.get("course"):
        course = get_object_or_404(
            Course.objects.visible_to(request.user).filter(programme=programme),
            pk=id_param(request.GET["course"]),
        )
    enrolments = Enrolment.objects.visible_to(request.user).filter(course__programme=programme)
    members = HandoverParticipant.objects.visible_to(request.user).filter(
        handover__course__programme=programme
    )
    if course:
        enrolments = enrolments.filter(course=course)
        members = members.filter(handover__course=course)
    return programme, course, enrolments, members


@coordinators
def programme_funnel(request, pk):
    programme, course, enrolments, members = _scope(request, pk)
    result = funnel_module.funnel(enrolments)
    stages = result["stages"]
    modes = dict(Handover.Mode.choices)
    by_mode = funnel_module.breakdown(members, "handover__mode")
    for row in by_mode:
        row["label"] = modes.get(row["handover__mode"], "")
    by_receiver = funnel_module.breakdown(members, "handover__receiver__name")
    for row in by_receiver:
        row["label"] = row["handover__receiver__name"] or _("Self-organised")
    return render(
        request,
        "bridging/funnel.html",
        {
            "programme": programme,
            "course": course,
            "courses": Course.objects.visible_to(request.user).filter(programme=programme),
            "stages": stages,
            "aside": result["aside"],
            "chart": bars(
                [(s["label"], s["count"]) for s in stages],
                title=_("How far the participants got across the bridge"),
                chart_id="funnel-chart",
            ),
            "by_mode": by_mode,
            "by_receiver": by_receiver,
            "months": funnel_module.FOLLOW_UP_MONTHS,
        },
    )


@coordinators
def funnel_export(request, pk, fmt):
    """The funnel's numbers: no personal data."""
    programme, course, enrolments, _members = _scope(request, pk)
    result = funnel_module.funnel(enrolments)
    return table_response(
        fmt=fmt,
        filename=f"tragt-{programme.pk}" + (f"-hold-{course.pk}" if course else ""),
        headers=[
            _("Stage"),
            _("Count"),
            _("Per cent of enrolled"),
            _("Per cent of the stage before"),
            _("Not yet due"),
        ],
        rows=[
            *(
                (str(s["label"]), s["count"], s["of_enrolled"], s["of_previous"], s.get("not_due"))
                for s in result["stages"]
            ),
            *((str(a["label"]), a["count"], None, None, None) for a in result["aside"]),
        ],
    )


@coordinators
def handover_export(request, fmt):
    """The handover list with names, for the project's coordinators; every participant in it
    gets an entry in their access log."""
    members = (
        HandoverParticipant.objects.visible_to(request.user)
        .filter(handover__course__programme__organisation=request.membership.organisation)
        .select_related("participant", "handover__course", "handover__offer", "handover__receiver")
        .prefetch_related("follow_ups")
        .order_by("handover__created_at", "pk")
    )
    # The access log first, in bulk: one row per participant in the list, from their ids.
    ParticipantAccess.objects.bulk_create(
        [
            ParticipantAccess(
                participant_id=participant_id,
                user=request.user,
                role=request.membership.role,
                action=ParticipantAccess.Action.EXPORT_LIST,
            )
            for participant_id in members.values_list("participant_id", flat=True)
        ],
        batch_size=5000,
    )
    response = table_response(
        fmt=fmt,
        filename="udslusninger",
        headers=[_("Participant"), _("Course"), _("Bridging model"), _("Offer"),
                 _("Receiving organisation"), _("Status"), _("Sent"), _("Answered"),
                 _("Reason"), _("Started on"), _("Follow-ups")],
        rows=(
            (
                str(m.participant), m.handover.course.name, m.handover.get_mode_display(),
                m.handover.offer.name if m.handover.offer_id else m.handover.meeting_place,
                m.handover.receiver.name if m.handover.receiver_id else "",
                m.get_status_display(),
                m.sent_at.date().isoformat() if m.sent_at else "",
                m.answered_at.date().isoformat() if m.answered_at else "",
                m.get_decline_reason_display(),
                m.started_on.isoformat() if m.started_on else "",
                ", ".join(
                    f"{f.months}: {f.get_answer_display() or '-'}" for f in m.follow_ups.all()
                ),
            )
            for m in members.iterator(chunk_size=1000)
        ),
        stream=True,
    )  # fmt: skip
    return response
