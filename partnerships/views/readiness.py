"""The two-sided partnership readiness checklist between a project and a receiving organisation."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import services
from ..access import role_required
from ..models import READINESS_ITEMS, Membership, Organisation, ReadinessAnswer
from ..models.readiness import Area, Side

Role = Membership.Role
Answer = ReadinessAnswer.Answer


def _get_pair_for_user(request, project_pk, receiver_pk):
    """Only the two parties: the project's coordinators and the receiver's staff."""
    membership = request.membership
    own = membership.organisation_id
    if not (
        (membership.role == Role.COORDINATOR and own == project_pk)
        or (membership.role == Role.STAFF and own == receiver_pk)
    ):
        raise Http404
    project = get_object_or_404(Organisation, pk=project_pk, kind=Organisation.Kind.PROJECT)
    receiver = get_object_or_404(Organisation.objects.exclude(pk=project_pk), pk=receiver_pk)
    return project, receiver


@role_required(Role.COORDINATOR, Role.STAFF, hidden=True)
def readiness_checklist(request, project_pk, receiver_pk):
    project, receiver = _get_pair_for_user(request, project_pk, receiver_pk)
    answers = {
        a.item: a
        for a in ReadinessAnswer.objects.visible_to(request.user)
        .filter(project=project, receiver=receiver)
        .latest()
        .select_related("answered_by")
    }
    own_sides = services.readiness_own_sides(request.membership, receiver)
    if request.method == "POST":
        changed, errors = services.readiness_answers_save(
            project=project,
            receiver=receiver,
            membership=request.membership,
            user=request.user,
            data=request.POST,
        )
        if errors:
            for error in errors:
                messages.error(request, error)
        elif changed:
            messages.success(request, _("%(count)s answers are saved.") % {"count": changed})
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("partnerships:readiness_checklist", project.pk, receiver.pk)
    sides = []
    for side, side_label in Side.choices:
        items = [(item, answers.get(item.key)) for item in READINESS_ITEMS if item.side == side]
        sides.append(
            {
                "label": side_label,
                "areas": [
                    (area_label, [(i, a) for i, a in items if i.area == area])
                    for area, area_label in Area.choices
                ],
                "gaps": [(i, a) for i, a in items if a is None or a.answer != Answer.YES],
                "answered": sum(1 for _i, a in items if a),
                "total": len(items),
                "editable": side in own_sides,
            }
        )
    return render(
        request,
        "partnerships/readiness_checklist.html",
        {"project": project, "receiver": receiver, "sides": sides, "answers": Answer.choices},
    )
