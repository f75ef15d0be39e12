"""An instructor's sessions as an iCalendar feed at a secret, revocable address."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from common.forms import ConfirmForm

from ..models import CalendarFeed, Session
from .access import project_roles

FEED_PAST_DAYS = 60


FEED_TOKEN_SESSION_KEY = "calendar_feed_token"
RENEW_WARNING = gettext_lazy(
    "The old address stops working: calendars subscribed to it stop updating until you "
    "subscribe to the new address."
)

REVOKE_WARNING = gettext_lazy(
    "Your calendar stops showing your sessions. You can make a new address later."
)


@never_cache
@project_roles
def calendar_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            if feed:
                form = ConfirmForm(request.POST, label=_("Yes, turn the address off"))
                if not form.is_valid():
                    return form.page(
                        request,
                        title=_("Turn the address off"),
                        warning=REVOKE_WARNING,
                        back=request.path,
                    )
                feed.delete()
            # Already off (turned off in another tab): the same answer, nothing to do.
            messages.success(request, _("The calendar address no longer works."))
        elif action == "renew":
            if feed:
                # The old address stops working: calendars subscribed to it stop updating.
                form = ConfirmForm(request.POST, label=_("Yes, make a new address"))
                if not form.is_valid():
                    return form.page(
                        request,
                        title=_("Make a new calendar address"),
                        warning=RENEW_WARNING,
                        back=request.path,
                    )
            _feed, token = CalendarFeed.objects.issue(user=request.user)
            # The secret is shown once, on the next page, and never stored in clear.
            request.session[FEED_TOKEN_SESSION_KEY] = token
            messages.success(
                request, _("A new calendar address is made; any old one no longer works.")
            )
        else:  # no button named (a crafted post): said, not passed over in silence
            messages.info(request, _("Nothing was changed."))
        return redirect("bridging:calendar_settings")
    token = request.session.pop(FEED_TOKEN_SESSION_KEY, None)
    feed_url = None
    if feed and token:
        feed_url = request.build_absolute_uri(reverse("bridging:calendar_feed", args=[token]))
    return render(
        request,
        "bridging/calendar_settings.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "renew_warning": RENEW_WARNING,
            "revoke_warning": REVOKE_WARNING,
        },
    )


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The secret in the address is the credential: calendar apps cannot log in."""
    feed = CalendarFeed.objects.select_related("user").for_token(token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    sessions = (
        Session.objects.filter(course__instructors=feed.user, date__gte=since)
        .select_related("course")
        .order_by("date", "start_time")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Brobygning//Instructor sessions//DA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("My sessions"))
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@brobygning")
        event.add("summary", session.course.name)
        event.add("dtstart", session.starts_at())
        event.add("dtend", session.ends_at())
        event.add("dtstamp", timezone.now())
        event.add("location", ", ".join(filter(None, [session.course.venue,
                                                      session.course.address])))  # fmt: skip
        event.add("url", request.build_absolute_uri(session.get_absolute_url()))
        if session.is_cancelled:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
