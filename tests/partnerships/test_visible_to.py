"""The access choke point for organisations and memberships."""

import pytest

from partnerships.access import _own_memberships
from partnerships.models import Membership, Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_everyone_who_works_somewhere_sees_the_shared_directory(cast):
    for user in [cast.coordinator_a, cast.instructor_a, cast.staff_a, cast.coordinator_b]:
        assert set(Organisation.objects.visible_to(user)) == set(Organisation.objects.all())


def test_outsider_and_inactive_user_see_no_organisation(cast):
    cast.staff_b.is_active = False
    assert not Organisation.objects.visible_to(cast.outsider).exists()
    assert not Organisation.objects.visible_to(cast.staff_b).exists()


def test_superuser_sees_everything_for_support(cast):
    admin = UserFactory(username="support", is_superuser=True, is_staff=True)
    assert Organisation.objects.visible_to(admin).count() == Organisation.objects.count()
    assert Membership.objects.visible_to(admin).count() == Membership.objects.count()


def test_memberships_are_visible_only_inside_the_own_organisation(cast):
    visible = Membership.objects.visible_to(cast.coordinator_a)
    assert {m.user for m in visible} == {cast.coordinator_a, cast.instructor_a}


def test_association_staff_see_colleagues_not_the_project(cast):
    visible = Membership.objects.visible_to(cast.staff_a)
    assert {m.organisation for m in visible} == {cast.association_a}


def test_own_memberships_are_the_visible_ones_of_the_user(cast):
    admin = UserFactory(username="support", is_superuser=True, is_staff=True)
    Membership.objects.create(user=admin, organisation=cast.project_b, role=Membership.Role.STAFF)
    cast.staff_b.is_active = False
    cast.staff_b.save()
    users = [cast.coordinator_a, cast.instructor_a, cast.staff_a, cast.coordinator_b]
    users += [cast.plan_coordinator, cast.staff_b, cast.outsider, admin]
    for user in users:
        own = set(Membership.objects.own(user))
        assert own == set(Membership.objects.visible_to(user).filter(user=user))
        # What every page reads: the same rows, by a query prepared once per process.
        assert set(_own_memberships(user)) == own
        assert bool(own) == (user not in (cast.staff_b, cast.outsider))


def test_outsider_sees_no_membership(cast):
    assert not Membership.objects.visible_to(cast.outsider).exists()


def test_one_membership_per_user_and_organisation(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=cast.coordinator_a, organisation=cast.project_a, role=Membership.Role.STAFF
        )
