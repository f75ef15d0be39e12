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
import functools
from html import escape

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from markupsafe import Markup

from common.fragments import render
from common.urls import url_for_each

register = template.Library()


def _dates(format_name):
    """A function that writes a date or a moment as the template's `|date:format_name` did
    (for a moment, the day where the user is), each day formatted once per process and
    language: Django's `date_format` was more than half of a row's time."""
    language, here = get_language(), timezone.get_current_timezone()

    def write(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = value.astimezone(here)
            value = value.date()
        return _formatted(value, format_name, language)

    return write


@functools.lru_cache(maxsize=4096)
def _formatted(day: datetime.date, format_name: str, language: str) -> str:
    return escape(date_format(day, format_name))  # in `language`, the active one


def _counted(write):
    """`write(n)` (a plural sentence, `ngettext`, written here so makemessages finds it),
    worked out once per number in a call."""
    texts = {}

    def counted(n) -> str:
        if n not in texts:
            texts[n] = write(n)
        return texts[n]

    return counted


def _handovers(rows, overdue_since):
    handover_url = url_for_each("bridging:handover_detail")
    short = _dates("SHORT_DATE_FORMAT")
    # Not in the f-string: makemessages does not find a string marked inside one.
    overdue = _("overdue")
    overdue = f' <span class="badge text-bg-danger">{escape(overdue)}</span>'
    sent, action = _("sent %(date)s"), _("Follow up the handover")
    for row in rows:
        text = (
            f"{escape(str(row.participant))} → {escape(row.handover.receiver.name)} · "
            + sent % {"date": short(row.sent_at)}
        )
        if row.sent_at <= overdue_since:
            text += overdue
        yield text, handover_url(row.handover_id), action


def _follow_ups(rows, overdue_since):
    handover_url = url_for_each("bridging:handover_detail")
    short = _dates("SHORT_DATE_FORMAT")
    months = _counted(
        lambda n: ngettext("%(months)s month", "%(months)s months", n) % {"months": n}
    )
    due, self_organised = _("due %(date)s"), _("self-organised")
    # As beside the question on the handover page and in the inbox: they stopped at an earlier
    # follow-up (the question is still asked: people come back).
    stopped = _counted(
        lambda n: (
            ' <span class="badge text-bg-warning">'
            + escape(_("Stopped at %(months)s months") % {"months": n})
            + "</span>"
        )
    )
    action = _("Answer the follow-up")
    for row in rows:
        member = row.member
        receiver = member.handover.receiver
        name = escape(receiver.name) if receiver and receiver.name else self_organised
        text = f"{escape(str(member.participant))} · {name} · {months(row.months)} · " + due % {
            "date": short(row.due_on)
        }
        if row.stopped_at:
            text += stopped(row.stopped_at)
        url = f"{handover_url(member.handover_id)}#member-{member.pk}"
        yield text, url, action


def _end_assessments(rows, overdue_since):
    assessment_url = url_for_each("bridging:assessment_create")
    short = _dates("SHORT_DATE_FORMAT")
    last, action = _("last session %(date)s"), _("Assess at the end")
    for row in rows:
        text = f"{escape(str(row.participant))} · {escape(row.course.name)} · " + last % {
            "date": short(row.course_ends)
        }
        yield text, f"{assessment_url(row.pk)}?kind=end", action


def _drifting(rows, overdue_since):
    participant_url = url_for_each("participants:participant_detail")
    run = _counted(
        lambda n: (
            ngettext("%(counter)s absence in a row", "%(counter)s absences in a row", n)
            % {"counter": n}
        )
    )
    action = _("Get in touch")
    for row in rows:
        absences = run(row.figures.consecutive_absences)
        text = f"{escape(row.participant)} · {escape(row.course_name)} · {absences}"
        yield text, participant_url(row.participant_id), action


def _attendance(rows, overdue_since):
    session_url = url_for_each("bridging:session_detail")
    day = _dates("DAY_FORMAT")
    marked, action = _("%(marked)s of %(roster)s marked"), _("Take attendance")
    for row in rows:
        counts = marked % {"marked": row.marked, "roster": row.roster}
        text = f"{escape(row.course.name)} · {day(row.date)} · {counts}"
        yield text, f"{session_url(row.pk)}#roster", action


def _ending(rows, overdue_since):
    handover_create_url = url_for_each("bridging:handover_create")
    day = _dates("DAY_FORMAT")
    last, action = _("last session %(date)s"), _("Plan the handover")
    for row in rows:
        text = f"{escape(row.name)} · " + last % {"date": day(row.ends_on)}
        yield text, handover_create_url(row.pk), action


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
