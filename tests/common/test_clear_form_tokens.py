"""`clear_form_tokens` deletes the create forms' tokens once a repeated post can no longer come."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from common.models import UsedFormToken

pytestmark = pytest.mark.django_db


def test_old_tokens_go_and_recent_ones_stay():
    now = timezone.now()
    for token, age in (("old", 8), ("week", 6), ("today", 0)):
        UsedFormToken.objects.create(token=token, url="/x/")
        UsedFormToken.objects.filter(token=token).update(used_at=now - datetime.timedelta(days=age))
    out = StringIO()
    call_command("clear_form_tokens", stdout=out)
    assert set(UsedFormToken.objects.values_list("token", flat=True)) == {"week", "today"}
    assert "Deleted 1 form token(s)" in out.getvalue()
    call_command("clear_form_tokens", "--days", "1", stdout=StringIO())
    assert set(UsedFormToken.objects.values_list("token", flat=True)) == {"today"}
