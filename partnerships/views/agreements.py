"""Partnership agreements: drafted by the project's coordinator, signed by both sides."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from common.forms import ConfirmForm

from .. import services
from ..access import active_membership, role_required
from ..forms import AgreementForm
from ..models import Membership, PartnershipAgreement

Role = Membership.Role
parties = role_required(Role.COORDINATOR, Role.STAFF, hidden=True)


def _get_agreement_for_user(request, pk):
    return get_object_or_404(
        PartnershipAgreement.objects.visible_to(request.user).select_related(
            "project", "receiver", "project_signed_by", "receiver_signed_by"
        ),
        pk=pk,
    )


def _get_rw_agreement_for_user(request, pk):
    """Drafting and the project's steps are its coordinators'."""
    agreement = _get_agreement_for_user(request, pk)
    membership = request.membership
    if membership.role != Role.COORDINATOR or membership.organisation_id != agreement.project_id:
        raise PermissionDenied
    return agreement


@parties
def agreement_list(request):
    agreements = (
        PartnershipAgreement.objects.visible_to(request.user)
        .filter(**{_own_side(request.membership): request.membership.organisation})
        .select_related("project", "receiver")
    )
    return render(request, "partnerships/agreement_list.html", {"agreements": agreements})


def _own_side(membership):
    return "project" if membership.role == Role.COORDINATOR else "receiver"


@role_required(Role.COORDINATOR)
def agreement_create(request):
    project = request.membership.organisation
    initial = {"receiver": request.GET.get("receiver"),
               "project_contact": request.user.get_full_name()}  # fmt: skip
    form = AgreementForm(
        request.POST if request.method == "POST" else None, project=project, initial=initial
    )
    if form.is_valid():
        agreement = services.agreement_create(form=form, project=project)
        messages.success(request, _("The draft agreement is saved."))
        return redirect(agreement)
    return render(request, "partnerships/agreement_form.html", {"form": form, "agreement": None})


@role_required(Role.COORDINATOR)
def agreement_update(request, pk):
    agreement = _get_rw_agreement_for_user(request, pk)
    if not agreement.is_editable:
        messages.error(
            request,
            _("A sent or signed agreement cannot be changed. Make a new version to change it."),
        )
        return redirect(agreement)
    form = AgreementForm(
        request.POST if request.method == "POST" else None,
        instance=agreement,
        project=agreement.project,
    )
    if form.is_valid():
        services.agreement_update(form=form)
        messages.success(request, _("The draft agreement is saved."))
        return redirect(agreement)
    return render(
        request, "partnerships/agreement_form.html", {"form": form, "agreement": agreement}
    )


@parties
def agreement_detail(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    membership = active_membership(request)
    return render(
        request,
        "partnerships/agreement_detail.html",
        {
            "agreement": agreement,
            "programmes": list(agreement.programmes.all()),
            "offers": list(agreement.offers.all()),
            "is_project": membership.organisation_id == agreement.project_id
            and membership.role == Role.COORDINATOR,
            "is_receiver": membership.organisation_id == agreement.receiver_id
            and membership.role == Role.STAFF,
            "end_warning": END_WARNING,
        },
    )


@parties
def agreement_print(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    return render(
        request,
        "partnerships/agreement_print.html",
        {
            "agreement": agreement,
            "programmes": list(agreement.programmes.all()),
            "offers": list(agreement.offers.all()),
        },
    )


END_WARNING = gettext_lazy(
    "An ended agreement cannot be put into force again. To go on working together, make a new "
    "version instead."
)
TRANSITIONS = {
    "send": (services.agreement_send, gettext_lazy("The agreement is sent for signing.")),
    "activate": (services.agreement_activate, gettext_lazy("The agreement is in force.")),
    "end": (services.agreement_end, gettext_lazy("The agreement is ended.")),
    "new-version": (services.agreement_new_version, gettext_lazy("A new draft version is made.")),
}


@require_POST
@parties
def agreement_transition(request, pk, action):
    if action == "sign":
        agreement = _get_agreement_for_user(request, pk)
        step, message = (
            lambda agreement: services.agreement_sign(
                agreement=agreement, membership=request.membership
            ),
            _("Your signature is recorded."),
        )
    elif action in TRANSITIONS:
        agreement = _get_rw_agreement_for_user(request, pk)
        if action == "end":
            form = ConfirmForm(request.POST, label=_("Yes, end the agreement"))
            if not form.is_valid():
                return form.page(
                    request,
                    title=_("End the agreement"),
                    warning=END_WARNING,
                    back=agreement.get_absolute_url(),
                )
        function, message = TRANSITIONS[action]
        step = lambda agreement: function(agreement=agreement)  # noqa: E731
    else:
        raise Http404
    try:
        result = step(agreement)
    except services.AgreementError as error:
        messages.error(request, error.args[0])
        return redirect(agreement)
    messages.success(request, message)
    return redirect(result)
