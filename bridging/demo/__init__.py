"""The demo data, told as a story in chapters: `python manage.py seed_demo` runs `build()`.

1. `organisations`: the projects, the receiving organisations, the municipalities and housing
   plans and their housing areas, the demo users who work in them, and the activity types.
2. `people`: the participants of the two projects, their wishes and their consents.
3. `offers`: the permanent offers participants can move on to.
4. `courses`: this year's programme, its three courses, attendance and readiness assessments.
5. `fair`: the association fair where participants met the local offers.
6. `partnerships`: partnership readiness and agreements with the receivers.
7. `handovers`: the bridge: handovers in every mode and state, and the follow-ups.
   `bridges`: one bridge at a time: a second handover with the coordinator's reason, and a
   handover withdrawn because the participant withdrew her consent to share.
8. `local`: Model 2, local partnerships between housing plans and municipalities.
9. `work`: work left waiting: attendance the instructor has not finished taking.

Idempotent: every row is found by its natural key and updated, so running it again changes
nothing. All people and most organisations here are invented.
"""

from django.db import transaction

from bridging.demo.bridges import seed_second_bridges
from bridging.demo.courses import seed_programme
from bridging.demo.fair import seed_fair
from bridging.demo.handovers import seed_handovers
from bridging.demo.local import seed_local_partnerships
from bridging.demo.offers import seed_offers
from bridging.demo.organisations import (
    seed_activity_types,
    seed_housing_areas,
    seed_organisations,
    seed_users,
)
from bridging.demo.partnerships import seed_partnerships
from bridging.demo.people import seed_participants
from bridging.demo.work import seed_waiting_work


@transaction.atomic
def build():
    organisations = seed_organisations()
    seed_housing_areas(organisations)
    users = seed_users(organisations)
    activity_types = seed_activity_types()
    seed_participants(organisations, users, activity_types)
    offers = seed_offers(organisations, activity_types)
    programme = seed_programme(organisations["Seniorer i bevægelse"], users)
    seed_fair(programme, organisations, offers, users["koordinator"])
    seed_partnerships(organisations, programme, offers, users)
    seed_handovers(organisations, programme, offers, activity_types, users)
    seed_second_bridges(programme, users["koordinator"])
    seed_local_partnerships(organisations, users["boligsocial"])
    seed_waiting_work(programme, users)
