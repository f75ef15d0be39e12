"""The coordinator's work queues (bridging.views.start.QUEUES) as markup: each row what is
waiting and the link that does something about it. The text of a row (a translation with a
date or a plural, a reversed URL) is written here in Python, the markup in Jinja2
(jinja2/bridging/queue_rows.html, queue_cards.html: common.fragments): in the Django template
language each row cost some 600 function calls (an include, its branches, a translation with
a date, a reversed URL), more than the queue's own query.

`{% queue_rows key rows overdue_since %}`: the rows of one queue (its page);
`{% queue_cards queues overdue_since %}`: the start page's cards of all queues.

Every value from the data is escaped here (`html.escape`, as Django's `escape` does) before it
goes into a row's text; the translated texts go in as they are, as the template's `translate`
wrote them."""

import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from markupsafe import Markup

from common.fragments import render
from common.urls import url_for_each

register = template.Library()


def _short(value) -> str:
    """A date or a moment as the template's `|date:"SHORT_DATE_FORMAT"` writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # a moment: the day where the user is
    return escape(date_format(value, "SHORT_DATE_FORMAT"))


def _day(value) -> str:
    """A date as `|date:"l j. F"` writes it (the weekday and the day of the month)."""
    return "" if value is None else escape(date_format(value, "l j. F"))


def _handovers(rows, overdue_since):
    handover_url = url_for_each("bridging:handover_detail")
    # Not in the f-string: makemessages does not find a string marked inside one.
    overdue = _("overdue")
    overdue = f' <span class="badge text-bg-danger">{escape(overdue)}</span>'
    for row in rows:
        sent = _("sent %(date)s") % {"date": _short(row.sent_at)}
        text = f"{escape(str(row.participant))} → {escape(row.handover.receiver.name)} · {sent}"
        if row.sent_at <= overdue_since:
            text += overdue
        yield text, handover_url(row.handover_id), _("Follow up the handover")


def _follow_ups(rows, overdue_since):
    handover_url = url_for_each("bridging:handover_detail")
    for row in rows:
        member = row.member
        receiver = member.handover.receiver
        months = ngettext("%(months)s month", "%(months)s months", row.months) % {
            "months": row.months
        }
        due = _("due %(date)s") % {"date": _short(row.due_on)}
        name = escape(receiver.name) if receiver and receiver.name else _("self-organised")
        text = f"{escape(str(member.participant))} · {name} · {months} · {due}"
        url = f"{handover_url(member.handover_id)}#member-{member.pk}"
        yield text, url, _("Answer the follow-up")


def _end_assessments(rows, overdue_since):
    assessment_url = url_for_each("bridging:assessment_create")
    for row in rows:
        last = _("last session %(date)s") % {"date": _short(row.course_ends)}
        text = f"{escape(str(row.participant))} · {escape(row.course.name)} · {last}"
        yield text, f"{assessment_url(row.pk)}?kind=end", _("Assess at the end")


def _drifting(rows, overdue_since):
    participant_url = url_for_each("participants:participant_detail")
    for row in rows:
        absences = row.figures.consecutive_absences
        run = ngettext(
            "%(counter)s absence in a row", "%(counter)s absences in a row", absences
        ) % {"counter": absences}
        text = f"{escape(row.participant)} · {escape(row.course_name)} · {run}"
        yield text, participant_url(row.participant_id), _("Get in touch")


def _attendance(rows, overdue_since):
    session_url = url_for_each("bridging:session_detail")
    for row in rows:
        marked = _("%(marked)s of %(roster)s marked") % {
            "marked": row.marked,
            "roster": row.roster,
        }
        text = f"{escape(row.course.name)} · {_day(row.date)} · {marked}"
        yield text, f"{session_url(row.pk)}#roster", _("Take attendance")


def _ending(rows, overdue_since):
    handover_create_url = url_for_each("bridging:handover_create")
    for row in rows:
        last = _("last session %(date)s") % {"date": _day(row.ends_on)}
        yield f"{escape(row.name)} · {last}", handover_create_url(row.pk), _("Plan the handover")


_QUEUES = {
    "handovers": _handovers,
    "follow_ups": _follow_ups,
    "end_assessments": _end_assessments,
    "drifting": _drifting,
    "attendance": _attendance,
    "ending": _ending,
}


def queue_lines(key, rows, overdue_since):
    """The rows of the queue `key`, each (text as markup, url, action)."""
    return [(Markup(text), url, action) for text, url, action in _QUEUES[key](rows, overdue_since)]


@register.simple_tag
def queue_rows(key, rows, overdue_since):
    """The rows of the queue `key`, each a list item."""
    if not rows:
        return ""
    return render("bridging/queue_rows.html", lines=queue_lines(key, rows, overdue_since))


@register.simple_tag
def queue_cards(queues, overdue_since):
    """The start page's queues (dicts of key, title, count and first rows), each a card."""
    cards = [
        {
            "key": queue["key"],
            "title": str(queue["title"]),
            "count": queue["count"],
            "lines": queue_lines(queue["key"], queue["rows"], overdue_since),
        }
        for queue in queues
    ]
    return render("bridging/queue_cards.html", queues=cards)
