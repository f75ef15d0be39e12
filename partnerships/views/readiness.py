"""The two-sided partnership readiness checklist between a project and a receiving organisation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

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


def _own_sides(membership, receiver) -> set[str]:
    """Each party answers its own side. The project's coordinators also answer the receiving
    organisation's side while it has no staff users of its own to do it."""
    if membership.role == Role.STAFF:
        return {Side.RECEIVER}
    staffed = Membership.objects.filter(organisation=receiver, role=Role.STAFF).exists()
    return {Side.PROJECT} if staffed else {Side.PROJECT, Side.RECEIVER}


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
    own_sides = _own_sides(request.membership, receiver)
    if request.method == "POST":
        changed, errors = _save(request, project, receiver, answers, own_sides)
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


def _save(request, project, receiver, current, own_sides):
    """A new dated answer for every item whose answer or note changed; nothing half-saved.
    An answer posted for the other party's side is refused as a whole (the page offers none)."""
    new, errors = [], set()
    note_limit = ReadinessAnswer._meta.get_field("note").max_length
    for item in READINESS_ITEMS:
        answer = request.POST.get(f"{item.key}-answer", "")
        note = request.POST.get(f"{item.key}-note", "").strip()
        if item.side not in own_sides and (answer or note):
            raise PermissionDenied
        if len(note) > note_limit:
            errors.add(
                _("A note can be at most %(limit)s characters; nothing was saved.")
                % {"limit": note_limit}
            )
            continue
        if not answer:
            continue
        if answer not in Answer.values:
            errors.add(_("Choose yes, partly or no."))
            continue
        old = current.get(item.key)
        if old and old.answer == answer and old.note == note:
            continue
        new.append(
            ReadinessAnswer(
                project=project,
                receiver=receiver,
                item=item.key,
                answer=answer,
                note=note,
                answered_on=timezone.localdate(),
                answered_by=request.user,
            )
        )
    if errors:
        return 0, sorted(errors)
    ReadinessAnswer.objects.bulk_create(new)
    return len(new), []
