from django.urls import reverse

from common.urls import url_for_each


def test_a_url_for_each_row_is_the_url_reverse_gives():
    for viewname, args in [
        ("bridging:course_detail", ()),
        ("bridging:course_readiness", ()),
        ("bridging:enrolment_withdraw", (10,)),
        ("participants:participant_detail", ()),
    ]:
        url = url_for_each(viewname, *args)
        for pk in (1, 10, 100, 2**40):
            assert url(pk) == reverse(viewname, args=[*args, pk])


def test_a_url_for_each_row_with_arguments_after_the_pk():
    for action in ("accept", "decline", "start"):
        url = url_for_each("bridging:handover_transition", then=(action,))
        for pk in (1, 10, 100, 2**40):
            assert url(pk) == reverse("bridging:handover_transition", args=[pk, action])
