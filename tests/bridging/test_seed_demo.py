"""The demo data command."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from partnerships.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
    )


def test_seed_demo_creates_the_cast_of_the_demo_and_is_idempotent():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values)
    assert Organisation.objects.filter(kind=Organisation.Kind.PROJECT).count() >= 2
    assert set(Organisation.objects.values_list("municipality", flat=True)) >= {
        "København",
        "Køge",
        "Roskilde",
    }


@pytest.mark.parametrize(
    ("username", "role"),
    [("koordinator", "coordinator"), ("instruktor", "instructor"), ("forening", "staff")],
)
def test_demo_users_log_in_with_the_demo_password(username, role):
    call_command("seed_demo")
    user = authenticate(RequestFactory().post("/"), username=username, password="demo")
    assert user is not None
    assert user.memberships.get().role == role


def test_if_empty_leaves_existing_data_alone():
    Organisation.objects.create(name="Egen organisation", kind="project", municipality="Køge")
    call_command("seed_demo", if_empty=True)
    assert Organisation.objects.count() == 1
    assert not get_user_model().objects.filter(username="koordinator").exists()


def test_seed_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="koordinator").exists()
