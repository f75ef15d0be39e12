"""The offer directory (shared by everyone who works in an organisation) and keeping offers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.urls import url_for_each

from .. import services
from ..forms import FreePlacesForm, OfferForm, OfferSearchForm
from ..models import Offer, Organisation
from ..services import StalePlacesError, offer_save_places

PAGE_SIZE = 20


def offer_list(request):
    form = OfferSearchForm(request.GET or None)
    offers = form.filter(
        Offer.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("organisation", "activity_type")
    )
    # The page's ids first, read off the directory's index with no joins (page 500 as fast as
    # page 1), then those offers with their organisations and activity types.
    page = Paginator(offers.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = offers.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list]
    offer_url = url_for_each("partnerships:offer_detail")
    for offer in page.object_list:  # the rows' links, reversed once
        offer.url = offer_url(offer.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/offer_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def offer_detail(request, pk):
    offer = get_object_or_404(
        Offer.objects.visible_to(request.user).select_related("organisation", "activity_type"),
        pk=pk,
    )
    can_edit = Offer.objects.editable_by(request.user).filter(pk=offer.pk).exists()
    if not offer.is_active and not can_edit:
        raise PermissionDenied
    return render(request, "partnerships/offer_detail.html", {"offer": offer, "can_edit": can_edit})


def offer_create(request, pk):
    organisation = get_object_or_404(Organisation.objects.offers_kept_by(request.user), pk=pk)
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        initial={
            "municipality": organisation.municipality,
            "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email,
        },
    )
    if form.is_valid():
        offer = services.offer_create(form=form, organisation=organisation)
        messages.success(request, _("The offer is saved."))
        return redirect(offer)
    return render(
        request,
        "partnerships/offer_form.html",
        {"form": form, "offer": None, "organisation": organisation},
    )


def offer_update(request, pk):
    offer = get_object_or_404(
        Offer.objects.editable_by(request.user).select_related("organisation"), pk=pk
    )
    form = OfferForm(request.POST if request.method == "POST" else None, instance=offer)
    if form.is_valid():
        try:
            offer_save_places(form=form)
        except StalePlacesError as error:
            form.add_error("free_places", error.args[0])
        else:
            messages.success(request, _("The offer is saved."))
            return redirect(offer)
    return render(
        request,
        "partnerships/offer_form.html",
        {"form": form, "offer": offer, "organisation": offer.organisation},
    )


@require_POST
def offer_free_places(request, pk):
    """The one number association staff change most often, straight from their page."""
    offer = get_object_or_404(Offer.objects.editable_by(request.user), pk=pk)
    form = FreePlacesForm(request.POST, instance=offer)
    error = None
    if form.is_valid():
        try:
            offer_save_places(form=form, update_fields=["free_places"])
        except StalePlacesError as refused:
            error = refused.args[0]
        else:
            messages.success(
                request, _("Places for new members on %(offer)s are updated.") % {"offer": offer}
            )
    else:
        error = _("Enter the number of free places as 0 or more.")
    if error:
        messages.error(request, error)
        # What was typed, shown again in the offer's form on the organisation's page.
        request.session[TYPED_PLACES] = {
            "pk": offer.pk,
            "value": request.POST.get("free_places", "")[:20],
            "error": str(error),
        }
    return redirect(offer.organisation)


TYPED_PLACES = "typed_free_places"
