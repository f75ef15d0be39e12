"""One label, one figure: the programme page's count of the people on its courses now is not
called "Tilmeldt", the funnel's count of everyone ever enrolled in the programme, when the two
differ (someone completed a course, left one or is waitlisted)."""

import re

import pytest
from django.urls import reverse

from bridging.models import Enrolment
from tests.factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def key_figure(page: str, label: str) -> str | None:
    found = re.search(
        rf"</i> {re.escape(label)}</p>\s*<p class=\"fs-4 fw-semibold mb-0\">([^<]*)</p>", page
    )
    return found.group(1) if found else None


def test_the_programme_counts_who_is_on_its_courses_now_under_its_own_label(client, cast):
    finished = CourseFactory(programme=cast.programme_a, status="completed")
    EnrolmentFactory(course=finished, status=Enrolment.Status.COMPLETED)
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("bridging:programme_detail", args=[cast.programme_a.pk]))
    page = page.content.decode()
    on_courses_now = Enrolment.objects.filter(
        course__programme=cast.programme_a, status=Enrolment.Status.ENROLLED
    ).count()
    assert key_figure(page, "På holdene nu") == str(on_courses_now)
    assert key_figure(page, "Tilmeldt") is None
    assert '<th scope="col" class="text-end">På holdet</th>' in page
