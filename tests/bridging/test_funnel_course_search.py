"""The funnel's course is found by searching the programme's courses (a programme can have
hundreds), never chosen from a list of all of them; without JavaScript the search is submitted
and the matches are offered with the form's error."""

import pytest
from django.urls import reverse

from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def suggestions(client, programme, query):
    url = reverse("bridging:funnel_course_suggestions", args=[programme.pk])
    response = client.get(url, {"course_q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_the_programmes_courses_by_name_or_venue(client, cast):
    CourseFactory(programme=cast.programme_a, name="Svømning", venue="Bellahøj")
    CourseFactory(programme__organisation=cast.project_a, name="Svømning ude")  # other programme
    client.force_login(cast.coordinator_a)
    html = suggestions(client, cast.programme_a, "svøm")
    assert "Svømning" in html and "Svømning ude" not in html
    assert "Svømning" in suggestions(client, cast.programme_a, "bellahøj")
    assert "Hold B" not in suggestions(client, cast.programme_a, "hold")  # another project


def test_the_funnel_of_the_course_chosen_and_a_search_without_choosing(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("bridging:programme_funnel", args=[cast.programme_a.pk])
    page = client.get(url)
    assert 'name="course_q"' in page.content.decode()
    assert "<select" not in page.content.decode()
    chosen = client.get(url, {"course": cast.course_a.pk})
    assert chosen.context["course"] == cast.course_a
    assert "Vis alle hold" in chosen.content.decode()
    # Typed, not chosen (no JavaScript): the funnel of all courses, and the matches to choose.
    typed = client.get(url, {"course_q": "hold a"})
    assert typed.status_code == 200 and typed.context["course"] is None
    html = typed.content.decode()
    assert "Vælg et af forslagene herunder" in html
    assert f'value="{cast.course_a.pk}"' in html
    # Another project's course, or one that is not a number: not found.
    assert client.get(url, {"course": cast.course_b.pk}).status_code == 404
    assert client.get(url, {"course": "abc"}).status_code == 404


@pytest.mark.parametrize("extra", [0, 30])
def test_funnel_course_suggestions_query_budget(client, cast, django_assert_num_queries, extra):
    CourseFactory.create_batch(extra, programme=cast.programme_a)
    client.force_login(cast.coordinator_a)
    # 1 session, 2 user, 3 own memberships, 4 the programme, 5 a page of matches, 6 how many more
    with django_assert_num_queries(6 if extra > 20 else 5):
        suggestions(client, cast.programme_a, "hold")
