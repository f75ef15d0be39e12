from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from common.params import id_param

from ..access import activate_membership, active_membership, may_edit_offers_of
from ..forms import FreePlacesForm, OrganisationSearchForm, SwitchOrganisationForm
from ..hooks import organisation_sections
from ..models import Membership, Offer, Organisation, PartnershipAgreement, ReadinessAnswer
from .offers import TYPED_PLACES

PAGE_SIZE = 25


def _get_organisation_for_user(request, pk):
    return get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)


def organisation_list(request):
    form = OrganisationSearchForm(request.GET or None)
    organisations = form.filter(Organisation.objects.visible_to(request.user))
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/organisation_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


def organisation_detail(request, pk):
    """The organisation's page: details, offers, agreements, partnership readiness, fairs."""
    organisation = _get_organisation_for_user(request, pk)
    membership = active_membership(request)
    is_member = membership is not None and membership.organisation_id == organisation.pk
    can_edit_offers = may_edit_offers_of(request.user, organisation)
    offers = Offer.objects.visible_to(request.user).filter(organisation=organisation)
    if not can_edit_offers:
        offers = offers.filter(is_active=True)
    offers = list(offers.select_related("activity_type"))
    typed = request.session.pop(TYPED_PLACES, None)  # a number of places refused just before
    for offer in offers:
        offer.places_form = FreePlacesForm(instance=offer, auto_id=f"id_offer{offer.pk}_%s")
        offer.typed_places = typed if typed and typed["pk"] == offer.pk else None
    agreements = (
        PartnershipAgreement.objects.visible_to(request.user)
        .filter(Q(project=organisation) | Q(receiver=organisation))
        .select_related("project", "receiver")
    )
    readiness_pair = _readiness_pair(membership, organisation)
    readiness_projects = []
    if is_member and membership.role == Membership.Role.STAFF:
        answered = ReadinessAnswer.objects.visible_to(request.user).filter(receiver=organisation)
        readiness_projects = Organisation.objects.filter(pk__in=answered.values("project"))
    return render(
        request,
        "partnerships/organisation_detail.html",
        {
            "organisation": organisation,
            "is_member": is_member,
            "offers": offers,
            "can_edit_offers": can_edit_offers,
            "agreements": agreements,
            "readiness_pair": readiness_pair,
            "readiness_projects": readiness_projects,
            "sections": organisation_sections(request, organisation),
        },
    )


def _readiness_pair(membership, organisation):
    """The (project, receiver) checklist this user can open from this page, if any."""
    if membership is None or organisation.is_project:
        return None
    if membership.role == Membership.Role.COORDINATOR and membership.organisation.is_project:
        return (membership.organisation_id, organisation.pk)
    return None


def organisation_members(request, pk):
    """Who works in an organisation: private to the people who work there."""
    if id_param(pk) is None:  # past the database's integers: no such organisation
        raise Http404
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organisation_id=pk)
        .select_related("user", "organisation")
        .order_by("role", "user__first_name", "user__username")
    )
    page = Paginator(memberships, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404
    return render(
        request,
        "partnerships/organisation_members.html",
        {"organisation": page.object_list[0].organisation, "page": page},
    )


@require_POST
def switch_organisation(request):
    form = SwitchOrganisationForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).filter(user=request.user),
        pk=form.cleaned_data["membership"],
    )
    activate_membership(request, membership)
    return redirect("home")


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
