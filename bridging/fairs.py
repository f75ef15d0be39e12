"""Writes of the association fair page: the fair itself, who came, and each visitor's interest
in an offer."""

from django.db import transaction

from .models import Fair, FairInterest


@transaction.atomic
def fair_create(*, form, programme) -> Fair:
    """A fair of the programme, from the fair page's valid form (with its organisations)."""
    form.instance.programme = programme
    return form.save()


@transaction.atomic
def fair_update(*, form) -> Fair:
    """The fair and its organisations and offers from the fair page's valid form, at once (a
    form saves its row and then each list)."""
    return form.save()


def fair_visit_register(*, fair: Fair, participant, user) -> FairInterest:
    """The participant came to the fair (registered once; a second visit changes nothing)."""
    interest, _created = FairInterest.objects.get_or_create(
        fair=fair, participant=participant, offer=None, defaults={"registered_by": user}
    )
    return interest


def fair_interest_set(*, fair: Fair, participant, offer, level: str, user) -> FairInterest | None:
    """The participant's interest in an offer presented at the fair; no level removes it."""
    if not level:
        FairInterest.objects.filter(fair=fair, participant=participant, offer=offer).delete()
        return None
    interest, _created = FairInterest.objects.update_or_create(
        fair=fair,
        participant=participant,
        offer=offer,
        defaults={"level": level, "registered_by": user},
    )
    return interest
