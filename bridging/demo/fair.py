"""Chapter 5: the association fair, where participants met the local offers."""

import datetime

from django.utils import timezone

from bridging.models import Course, Enrolment, Fair, FairInterest


def seed_fair(programme, organisations, offers, coordinator):
    fair, _created = Fair.objects.update_or_create(
        programme=programme,
        name="Foreningsmesse i Valby Hallen",
        defaults={
            "date": timezone.localdate() - datetime.timedelta(weeks=2),
            "place": "Valby Hallen, cafeen",
        },
    )
    taking_part = [
        organisations["Vesterbro Seniorgymnastik"],
        organisations["Aftenskolen Valby"],
        organisations["Gåklubben Søndermarken"],
    ]
    fair.organisations.set(taking_part)
    presented = [o for o in offers if o.organisation in taking_part and o.is_active]
    visitors = Enrolment.objects.filter(
        course__programme=programme, course__status=Course.Status.RUNNING
    ).select_related("participant")[:8]
    for position, enrolment in enumerate(visitors):
        FairInterest.objects.get_or_create(
            fair=fair,
            participant=enrolment.participant,
            offer=None,
            defaults={"registered_by": coordinator},
        )
        for step in range(position % 3 + 1):
            FairInterest.objects.get_or_create(
                fair=fair,
                participant=enrolment.participant,
                offer=presented[(position * 3 + step) % len(presented)],
                defaults={
                    "level": "trial" if step == 0 else "interested",
                    "registered_by": coordinator,
                },
            )
