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
