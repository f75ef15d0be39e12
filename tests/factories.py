import datetime

import factory
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from partnerships.access import user_memberships
from partnerships.models import Membership, Organisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PROJECT
    municipality = "Køge"
    address = "Torvet 1"
    postcode = "4600"
    city = "Køge"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.COORDINATOR


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Participant"

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    phone = factory.Sequence(lambda n: f"00 00 {n // 100 % 100:02d} {n % 100:02d}")
    email = factory.Sequence(lambda n: f"deltager{n}@example.org")
    address = "Testvej 1"
    postcode = "4600"
    city = "Køge"
    birth_year = 1952
    gender = "female"
    municipality = "Køge"
    home_area = "Ellemarken"
    recruitment = "doctor"
    health_notes = "Nyt knæ; undgå hop."
    motivation = "Vil gerne kunne gå en tur med hunden igen."
    preferred_weekdays = [0, 2]
    preferred_times = ["morning"]
    max_travel_km = 5
    max_monthly_fee = 150
    continue_with_team = "yes"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Consent"

    participant = factory.SubFactory(ParticipantFactory)
    purpose = "registration"
    text_version = "2026-1"
    given_on = datetime.date(2026, 1, 5)
    method = "paper"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bridging.Programme"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Forløb {n}")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bridging.Course"

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Hold {n}")
    venue = "Hallen"
    weekday = 2
    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 30)
    start_date = datetime.date(2026, 9, 2)
    weeks = 12
    capacity = 12
    status = "running"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bridging.Session"

    course = factory.SubFactory(CourseFactory)
    date = datetime.date(2026, 11, 25)
    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 30)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bridging.Enrolment"

    participant = factory.SubFactory(ParticipantFactory)
    course = factory.SubFactory(CourseFactory)
    status = "enrolled"


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partnerships.ActivityType"
        django_get_or_create = ["name"]

    name = "Gymnastik"


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partnerships.Offer"

    organisation = factory.SubFactory(OrganisationFactory, kind="association")
    name = factory.Sequence(lambda n: f"Tilbud {n}")
    activity_type = factory.SubFactory(ActivityTypeFactory)
    venue = "Hallen"
    municipality = "Køge"
    area = "Ellemarken"
    weekday_mask = 1 << 2  # Wednesday
    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 0)
    level = "gentle"
    fee = 100
    payment = "mobilepay"
    free_places = 5


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "partnerships.PartnershipAgreement"

    project = factory.SubFactory(OrganisationFactory)
    receiver = factory.SubFactory(OrganisationFactory, kind="association")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    project_contact = "Karin"
    receiver_contact = "Frida"


def request_of(user):
    """A GET request by `user` with their memberships read, as `role_required` reads them
    (partnerships.access.user_memberships): what a view or lookup of theirs is given."""
    request = RequestFactory().get("/")
    request.user, request.session = user, {}
    user_memberships(request)
    return request
