"""The page frame's `{% memo %}` (common/templatetags/page_frame.py) and the frame it draws: what
is kept between requests never carries one person's or one language's markup to another."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from partnerships.models import Membership
from tests.factories import MembershipFactory

MEMO = Template("{% load page_frame %}{% memo role=role %}[{{ role }}|{{ secret }}]{% endmemo %}")


def test_the_body_sees_only_its_arguments():
    assert MEMO.render(Context({"role": "staff", "secret": "Alma"})) == "[staff|]"


def test_a_kept_body_is_shown_for_the_same_arguments_and_language_only():
    template = Template(
        "{% load i18n page_frame %}{% memo role=role %}{{ role }}:{% translate 'Log out' %}"
        "{% endmemo %}"
    )
    with translation.override("da"):
        assert template.render(Context({"role": "staff"})) == "staff:Log ud"
        assert template.render(Context({"role": "coordinator"})) == "coordinator:Log ud"
        assert template.render(Context({"role": "staff"})) == "staff:Log ud"
    with translation.override("en"):
        assert template.render(Context({"role": "staff"})) == "staff:Log out"


def test_a_model_instance_is_refused_as_an_argument():
    template = Template("{% load page_frame %}{% memo who=user %}{{ who }}{% endmemo %}")
    with pytest.raises(TypeError, match="who is a User"):
        template.render(Context({"user": get_user_model()(username="alma")}))


def test_a_body_given_many_values_is_no_longer_kept_past_its_limit():
    template = Template("{% load page_frame %}{% memo n=n %}{{ n }}{% endmemo %}")
    node = template.nodelist[-1]
    for n in range(node.MAX_KEPT + 10):
        assert template.render(Context({"n": n})) == str(n)
    assert len(node.kept) == node.MAX_KEPT


NAVIGATION = {
    # role -> (links it has, links it must not have)
    "coordinator_a": (
        ["bridging:programme_list", "partnerships:api_token_list"],
        ["bridging:inbox"],
    ),
    "instructor_a": (
        ["bridging:instructor_home"],
        ["partnerships:agreement_list", "bridging:inbox"],
    ),
    "staff_a": (["bridging:inbox", "partnerships:agreement_list"], ["bridging:programme_list"]),
    "plan_coordinator": (["partnerships:local_overview"], ["bridging:programme_list"]),
}


@pytest.mark.django_db
def test_each_role_gets_its_own_navigation_in_one_process(client, cast):
    """The same process draws the frame for every role in turn, twice, in both languages."""
    for language, logout in (("da", "Log ud"), ("en", "Log out"), ("da", "Log ud")):
        for role, (links, not_links) in [*NAVIGATION.items(), *NAVIGATION.items()]:
            user = cast.user(role)
            client.force_login(user)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            page = client.get(reverse("partnerships:offer_list")).content.decode()
            assert f'<html lang="{language}">' in page
            assert logout in page
            assert f'aria-pressed="true">{"Dansk" if language == "da" else "English"}<' in page
            for name in links:
                assert f'href="{reverse(name)}"' in page, (role, name)
            for name in not_links:
                assert f'href="{reverse(name)}"' not in page, (role, name)
            membership = Membership.objects.get(user=user)
            assert f"{membership.organisation.name} · " in page
            assert f'value="{reverse("partnerships:offer_list")}"' in page  # the switcher's next
            client.logout()
    page = client.get(reverse("login")).content.decode()
    assert 'id="main-nav"' not in page and "Log ud" not in page


@pytest.mark.django_db
def test_the_staff_link_and_inbox_count_are_their_own(client, cast):
    other = MembershipFactory(organisation=cast.association_b, role=Membership.Role.STAFF).user
    client.force_login(cast.staff_a)
    page = client.get(reverse("partnerships:offer_list")).content.decode()
    assert f'href="{cast.association_a.get_absolute_url()}"' in page
    assert '1<span class="visually-hidden"> venter på jeres svar</span>' in page
    client.force_login(other)
    page = client.get(reverse("partnerships:offer_list")).content.decode()
    assert f'href="{cast.association_b.get_absolute_url()}"' in page
    assert f'href="{cast.association_a.get_absolute_url()}"' not in page
    assert "venter på jeres svar" not in page
