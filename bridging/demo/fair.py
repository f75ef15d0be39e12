"""Chapter 5: the association fair, where participants met the local offers."""

import datetime

from django.utils import timezone

from bridging.demo.pages import valid
from bridging.fairs import fair_create, fair_interest_set, fair_visit_register
from bridging.forms import FairForm, FairInterestForm, FairVisitorForm
from bridging.models import Course, Enrolment, Fair
from participants.models import Participant


def seed_fair(programme, organisations, offers, coordinator):
    taking_part = [
        organisations["Vesterbro Seniorgymnastik"],
        organisations["Aftenskolen Valby"],
        organisations["Gåklubben Søndermarken"],
    ]
    name = "Foreningsmesse i Valby Hallen"
    fair = Fair.objects.filter(programme=programme, name=name).first()
    if fair is None:  # the programme page's "new fair"
        form = FairForm(
            {
                "name": name,
                "date": timezone.localdate() - datetime.timedelta(weeks=2),
                "place": "Valby Hallen, cafeen",
                "organisations": [o.pk for o in taking_part],
            }
        )
        fair = fair_create(form=valid(form), programme=programme)
    presented = [o for o in offers if o.organisation in taking_part and o.is_active]
    visitors = Enrolment.objects.filter(
        course__programme=programme, course__status=Course.Status.RUNNING
    ).select_related("participant")[:8]
    # The fair page: the coordinator finds each visitor by name, then marks the offers.
    participants = Participant.objects.visible_to(coordinator).filter(
        organisation=programme.organisation_id
    )
    for position, enrolment in enumerate(visitors):
        form = valid(
            FairVisitorForm(
                {"participant": enrolment.participant.pk}, participants=participants, fair=fair
            )
        )
        participant = form.cleaned_data["participant"]
        fair_visit_register(fair=fair, participant=participant, user=coordinator)
        for step in range(position % 3 + 1):
            offer = presented[(position * 3 + step) % len(presented)]
            level = "trial" if step == 0 else "interested"
            form = valid(FairInterestForm({"offer": offer.pk, "level": level}))
            fair_interest_set(
                fair=fair,
                participant=participant,
                offer=offer,
                level=form.cleaned_data["level"],
                user=coordinator,
            )
