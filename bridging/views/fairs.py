"""The association fair: organisations and offers taking part, and each participant's
interests registered on a phone or tablet at the fair."""

from typing import TypedDict

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.choices import choice_labels
from common.search import suggestions_response
from common.urls import url_for_each
from participants.models import Participant
from partnerships.models import Offer
from partnerships.models.offers import weekdays_display

from .. import fairs
from ..fairs import fair_interest_set, fair_visit_register
from ..forms import FairForm, FairInterestForm, FairVisitorForm
from ..models import Fair, FairInterest
from .access import coordinators, get_rw_programme_for_user, project_roles


def _get_fair_for_user(request, pk):
    return get_object_or_404(
        Fair.objects.visible_to(request.user).select_related("programme"), pk=pk
    )


def _fair_offers(fair):
    """The offers presented: those chosen, or every active offer of the organisations."""
    offers = fair.offers.all()
    if not offers.exists():
        offers = Offer.objects.filter(organisation__in=fair.organisations.all(), is_active=True)
    return offers.select_related("organisation", "activity_type").order_by(
        "organisation__name", "name"
    )


class ListedOffer(TypedDict):
    """A dict, not an object: a template reads a dict's keys without first trying (and failing)
    to index an object, a quarter of the cost of a row of 150."""

    url: str
    name: str
    organisation: str
    when: str


def _offers_listed(fair) -> list[ListedOffer]:
    """The offers for the fair page's list: only the fields it shows, as plain values, each
    line's days and time in words, worked out here rather than per row in the template."""
    rows = (
        _fair_offers(fair)
        .select_related(None)
        .values_list("pk", "name", "weekday_mask", "start_time", "organisation__name")
    )
    address = url_for_each("partnerships:offer_detail")
    return [
        ListedOffer(
            url=address(pk),
            name=name,
            organisation=organisation,
            when=f"{weekdays_display(mask)} {start:%H:%M}",
        )
        for pk, name, mask, start, organisation in rows
    ]


def _organisations_listed(fair) -> list[tuple[str, str]]:
    """The organisations taking part, as (address, name)."""
    address = url_for_each("partnerships:organisation_detail")
    return [(address(pk), name) for pk, name in fair.organisations.values_list("pk", "name")]


def _participants(request, fair):
    return Participant.objects.visible_to(request.user).filter(
        organisation=fair.programme.organisation_id
    )


@coordinators
def fair_create(request, pk):
    programme = get_rw_programme_for_user(request, pk)
    form = FairForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        fair = fairs.fair_create(form=form, programme=programme)
        messages.success(request, _("The fair is created."))
        return redirect(fair)
    return render(request, "bridging/fair_form.html", {"form": form, "programme": programme})


@coordinators
def fair_update(request, pk):
    fair = _get_fair_for_user(request, pk)
    get_rw_programme_for_user(request, fair.programme_id)
    form = FairForm(request.POST if request.method == "POST" else None, instance=fair)
    if form.is_valid():
        fairs.fair_update(form=form)
        messages.success(request, _("The changes are saved."))
        return redirect(fair)
    return render(request, "bridging/fair_form.html", {"form": form, "programme": fair.programme})


VISITORS_PER_PAGE = 25


@project_roles
def fair_detail(request, pk):
    fair = _get_fair_for_user(request, pk)
    return _render_fair(request, fair)


def _render_fair(request, fair, visitor_form=None):
    """The fair's page; a visitor form that found several matches comes back in `visitor_form`
    so the matches are shown to choose from."""
    participants = _participants(request, fair)
    # Who came: a semi-join on the fair's interests, so neither the count nor the page sorts
    # the joined rows to remove the duplicates (a participant registers several interests).
    came = FairInterest.objects.filter(fair=fair).values("participant")
    visitors = Paginator(
        participants.filter(pk__in=came).order_by("first_name", "last_name", "pk"),
        VISITORS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    # The page's rows fetched by primary key: the subquery picks the 25 from narrow rows.
    visitors.object_list = list(
        Participant.objects.filter(pk__in=visitors.object_list.values("pk")).order_by(
            "first_name", "last_name", "pk"
        )
    )
    interests = {}
    levels = choice_labels(FairInterest, "level")
    for participant_id, offer_name, level in (
        FairInterest.objects.filter(
            fair=fair, offer__isnull=False, participant__in=[p.pk for p in visitors]
        )
        .order_by("offer__name", "pk")
        .values_list("participant_id", "offer__name", "level")
    ):
        interests.setdefault(participant_id, []).append(
            {"offer": offer_name, "level": levels.get(level, level).lower()}
        )
    return render(
        request,
        "bridging/fair_detail.html",
        {
            "fair": fair,
            "organisations": _organisations_listed(fair),
            "offers": _offers_listed(fair),
            "visitor_url": reverse("bridging:fair_visitor", args=[fair.pk]),
            "visitors": [(p, interests.get(p.pk, [])) for p in visitors],
            "page": visitors,
            "visitor_form": visitor_form or FairVisitorForm(participants=participants, fair=fair),
        },
    )


@require_GET
@project_roles
def fair_visitor_suggestions(request, pk):
    """A page of the project's participants matching the name typed on the fair page."""
    fair = _get_fair_for_user(request, pk)
    form = FairVisitorForm(participants=_participants(request, fair), fair=fair)
    return suggestions_response(request, form["participant"])


@require_GET
@coordinators
def fair_organisation_suggestions(request):
    """A page of organisations matching the name typed on the fair's form."""
    return suggestions_response(request, FairForm()["organisations"])


@project_roles
def fair_visitor(request, pk):
    """The page a coordinator keeps open at the fair for one participant. POST registers that
    the participant came (and goes on to the page); GET shows it."""
    fair = _get_fair_for_user(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form = FairVisitorForm(data, participants=_participants(request, fair), fair=fair)
    if not form.is_valid():
        if request.method == "POST":  # typed without choosing: show the matches
            return _render_fair(request, fair, visitor_form=form)
        messages.error(request, _("Choose a participant."))
        return redirect(fair)
    participant = form.cleaned_data["participant"]
    if request.method == "POST":
        fair_visit_register(fair=fair, participant=participant, user=request.user)
        return redirect(_visitor_url(fair, participant))
    return render(request, "bridging/fair_visitor.html", _visitor_context(fair, participant))


def _visitor_url(fair, participant):
    return f"{reverse('bridging:fair_visitor', args=[fair.pk])}?participant={participant.pk}"


LEVELS = [("", gettext_lazy("Not interested")), *FairInterest.Level.choices]


def _visitor_context(fair, participant):
    levels = dict(
        FairInterest.objects.filter(
            fair=fair, participant=participant, offer__isnull=False
        ).values_list("offer_id", "level")
    )
    offers = list(_fair_offers(fair))
    for offer in offers:
        offer.level = levels.get(offer.pk, "")
    return {"fair": fair, "participant": participant, "offers": offers, "levels": LEVELS}


@require_POST
@project_roles
def fair_interest(request, pk, participant_pk):
    fair = _get_fair_for_user(request, pk)
    participant = get_object_or_404(_participants(request, fair), pk=participant_pk)
    form = FairInterestForm(request.POST)
    offer = None
    if form.is_valid():
        offer = _fair_offers(fair).filter(pk=form.cleaned_data["offer"]).first()
    if offer is None:
        messages.error(request, _("The offer is not presented at this fair."))
    else:
        fair_interest_set(
            fair=fair,
            participant=participant,
            offer=offer,
            level=form.cleaned_data["level"],
            user=request.user,
        )
    if request.htmx and offer is not None:
        offer.level = form.cleaned_data["level"]
        return render(
            request,
            "bridging/includes/fair_offer_row.html",
            {**_visitor_context(fair, participant), "offer": offer},
        )
    return redirect(
        f"{reverse('bridging:fair_visitor', args=[fair.pk])}?participant={participant.pk}"
    )
