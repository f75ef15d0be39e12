"""A printable A4 overview of the offers near a course's venue, to hand out: knowing the local
offers is the first indicator of exit readiness."""

from django.shortcuts import render

from partnerships.models import Offer

from .access import get_course_for_user, project_roles


@project_roles
def course_offers(request, pk):
    course = get_course_for_user(request, pk)
    municipality = course.municipality or course.programme.organisation.municipality
    offers = (
        Offer.objects.visible_to(request.user)
        .filter(is_active=True, municipality__iexact=municipality)
        .select_related("organisation", "activity_type")
        .order_by("activity_type__name", "name")
    )
    return render(
        request,
        "bridging/course_offers.html",
        {"course": course, "municipality": municipality, "offers": offers},
    )
