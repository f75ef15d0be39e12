"""Chapter 6: partnership readiness and agreements with the receiving organisations."""

import datetime

from django.utils import timezone

from bridging.demo.pages import valid
from partnerships import services as partnership_services
from partnerships.forms import AgreementForm
from partnerships.models import (
    READINESS_ITEMS,
    Membership,
    PartnershipAgreement,
)


def seed_partnerships(organisations, programme, offers, users):
    """Readiness checklists with two receivers and agreements in every state."""
    project = organisations["Seniorer i bevægelse"]
    coordinator, staff = users["koordinator"], users["forening"]
    coordinating = Membership.objects.get(user=coordinator, organisation=project)
    for receiver_name, pattern in [
        ("Vesterbro Seniorgymnastik", ["yes", "yes", "partly"]),
        ("Aftenskolen Valby", ["yes", "partly", "no"]),
    ]:
        receiver = organisations[receiver_name]
        # The readiness checklist page, filled in by each party for its own side; the project
        # answers for a receiver without staff users of its own.
        own_staff = receiver.memberships.filter(user=staff).first()
        posted = {}
        for number, item in enumerate(READINESS_ITEMS):
            answer = pattern[number % 3]
            by = own_staff if item.side == "receiver" and own_staff else coordinating
            data = posted.setdefault(by, {})
            data[f"{item.key}-answer"] = answer
            data[f"{item.key}-note"] = "Skal drøftes på næste møde." if answer != "yes" else ""
        for membership, data in posted.items():
            _changed, errors = partnership_services.readiness_answers_save(
                project=project,
                receiver=receiver,
                membership=membership,
                user=membership.user,
                data=data,
            )
            if errors:
                raise ValueError(f"The demo filled in the readiness checklist wrongly: {errors}")
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
        if PartnershipAgreement.objects.filter(project=project, receiver=receiver).exists():
            continue
        # The agreement page's "new agreement", filled in by the project's coordinator.
        data = {
            "receiver": receiver.pk,
            "programmes": [programme.pk],
            "offers": [o.pk for o in offers if o.organisation == receiver][:2],
            "starts_on": (timezone.localdate() - datetime.timedelta(weeks=4)).isoformat(),
            "ends_on": (timezone.localdate() + datetime.timedelta(weeks=48)).isoformat(),
            "adapted_fee": 50,
            "adapted_fee_months": 6,
            "payment_method": "MobilePay hver måned, ingen indmeldelsesgebyr",
            "same_place_time_content": receiver_name == "Vesterbro Seniorgymnastik",
            "intake_at_once": 12,
            "project_contact": coordinator.get_full_name(),
            "receiver_contact": receiver.contact_name,
            "facilitation": "Instruktøren fra projektet deltager de første fire gange "
            "og præsenterer holdet for foreningens instruktør.",
        }
        agreement = partnership_services.agreement_create(
            form=valid(AgreementForm(data, project=project)), project=project
        )
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
