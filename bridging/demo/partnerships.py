"""Chapter 6: partnership readiness and agreements with the receiving organisations."""

import datetime

from django.utils import timezone

from partnerships import services as partnership_services
from partnerships.models import (
    READINESS_ITEMS,
    Membership,
    PartnershipAgreement,
    ReadinessAnswer,
)


def seed_partnerships(organisations, programme, offers, users):
    """Readiness checklists with two receivers and agreements in every state."""
    project = organisations["Seniorer i bevægelse"]
    coordinator, staff = users["koordinator"], users["forening"]
    for receiver_name, pattern in [
        ("Vesterbro Seniorgymnastik", ["yes", "yes", "partly"]),
        ("Aftenskolen Valby", ["yes", "partly", "no"]),
    ]:
        receiver = organisations[receiver_name]
        for number, item in enumerate(READINESS_ITEMS):
            ReadinessAnswer.objects.get_or_create(
                project=project,
                receiver=receiver,
                item=item.key,
                defaults={
                    "answer": pattern[number % 3],
                    "note": "Skal drøftes på næste møde." if pattern[number % 3] != "yes" else "",
                    # Each party answers its own side; the project answers for a receiver
                    # without staff users of its own.
                    "answered_by": staff
                    if item.side == "receiver" and receiver.memberships.filter(user=staff).exists()
                    else coordinator,
                },
            )
    # Vesterbro: last season's agreement ended and this season's in force; Valby: sent for
    # signing; the walking club and Køge: drafts. Each step through the agreement page's
    # services, signed by a coordinator of the project and a staff member of the receiver.
    signers = [Membership.objects.get(user=user) for user in (coordinator, staff)]
    plans = [
        ("Vesterbro Seniorgymnastik", "renewed"),
        ("Aftenskolen Valby", "sent"),
        ("Gåklubben Søndermarken", "draft"),
        ("Køge Gang og Motion", "draft"),
    ]
    for receiver_name, target in plans:
        receiver = organisations[receiver_name]
        agreement, created = PartnershipAgreement.objects.get_or_create(
            project=project,
            receiver=receiver,
            version=1,
            defaults={
                "starts_on": timezone.localdate() - datetime.timedelta(weeks=4),
                "ends_on": timezone.localdate() + datetime.timedelta(weeks=48),
                "adapted_fee": 50,
                "adapted_fee_months": 6,
                "payment_method": "MobilePay hver måned, ingen indmeldelsesgebyr",
                "same_place_time_content": receiver_name == "Vesterbro Seniorgymnastik",
                "intake_at_once": 12,
                "project_contact": coordinator.get_full_name(),
                "receiver_contact": receiver.contact_name,
                "facilitation": "Instruktøren fra projektet deltager de første fire gange "
                "og præsenterer holdet for foreningens instruktør.",
            },
        )
        if not created:
            continue
        agreement.programmes.set([programme])
        agreement.offers.set([o for o in offers if o.organisation == receiver][:2])
        if target == "draft":
            continue
        partnership_services.agreement_send(agreement=agreement)
        if target == "sent":
            continue
        for signer in signers:
            partnership_services.agreement_sign(agreement=agreement, membership=signer)
        partnership_services.agreement_activate(agreement=agreement)
        # A new season: the terms go into a new version, signed and put in force; the old
        # version ends.
        renewed = partnership_services.agreement_new_version(agreement=agreement)
        partnership_services.agreement_end(agreement=agreement)
        partnership_services.agreement_send(agreement=renewed)
        for signer in signers:
            partnership_services.agreement_sign(agreement=renewed, membership=signer)
        partnership_services.agreement_activate(agreement=renewed)
