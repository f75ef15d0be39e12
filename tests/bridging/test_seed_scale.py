"""A smoke test of the benchmark data set (`manage.py seed_scale`) at a tiny scale, so that a
schema change that breaks it (a new NOT NULL column, a unique field) fails here and not on the
day someone runs the benchmark. PostgreSQL only: the command writes with COPY."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from partnerships.models import Membership

# The models every run must fill (the command reports the rows it wrote per model).
CORE = {
    "partnerships.Organisation",
    "partnerships.Offer",
    "partnerships.Membership",
    "participants.Participant",
    "participants.Consent",
    "bridging.Programme",
    "bridging.Course",
    "bridging.Session",
    "bridging.Enrolment",
    "bridging.Attendance",
    "bridging.Assessment",
    "bridging.Handover",
    "bridging.HandoverParticipant",
    "bridging.FollowUp",
}
DEMO_USERS = {
    "koordinator": Membership.Role.COORDINATOR,
    "instruktor": Membership.Role.INSTRUCTOR,
    "forening": Membership.Role.STAFF,
    "boligsocial": Membership.Role.COORDINATOR,
}


@pytest.mark.django_db(transaction=True)  # the command ends with VACUUM, outside a transaction
def test_seed_scale_fills_every_table_it_writes_at_a_tiny_scale():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError):
            call_command("seed_scale", "--scale", "0.001")
        pytest.skip("seed_scale needs PostgreSQL (it writes with COPY); set DATABASE_URL")
    out = io.StringIO()
    call_command("seed_scale", "--scale", "0.001", stdout=out)
    written = {}
    for line in out.getvalue().splitlines():
        label, _, count = line.strip().partition(": ")
        if line.startswith("  ") and "." in label:
            written[label] = int(count.replace(",", ""))
    assert set(written) >= CORE, sorted(CORE - set(written))
    for label, count in written.items():
        assert count > 0, label
        assert apps.get_model(label).objects.count() >= count, label
    for username, role in DEMO_USERS.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password("demo")
        assert Membership.objects.filter(user=user, role=role).exists(), username
    # A second run refuses: the database is not empty.
    with pytest.raises(CommandError):
        call_command("seed_scale", "--scale", "0.001", stdout=io.StringIO())
