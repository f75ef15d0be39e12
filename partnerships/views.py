from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .access import activate_membership
from .forms import OrganisationSearchForm, SwitchOrganisationForm
from .models import Membership, Organisation

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
    organisation = _get_organisation_for_user(request, pk)
    is_member = (
        Membership.objects.visible_to(request.user)
        .filter(organisation=organisation, user=request.user)
        .exists()
    )
    return render(
        request,
        "partnerships/organisation_detail.html",
        {"organisation": organisation, "is_member": is_member},
    )


def organisation_members(request, pk):
    """Who works in an organisation: private to the people who work there."""
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
