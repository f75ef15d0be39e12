"""`{% waiting_handover group decline_options %}`: one handover waiting in the inbox, with the
people it sends, what the organisation may know of them and the forms to answer, written in
Python. A page shows five handovers of up to about six people, and in the template language
each person cost some thirty variable lookups and two forms' worth of tags: more than every
query of the page. The markup is the one the template had (the same ids, labels and classes).

Every value is escaped here (`html.escape`, as Django's `escape` does) before it goes into the
markup; only the CSRF input and the reasons' options, already safe, go in as they are.

An answer the server refused comes back in its own form (`typed_answer` in the context, from
the inbox view): what was typed, the fields to fix marked invalid, and the message beside them."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

_DETAIL = '<dt class="col-sm-3">{}</dt><dd class="col-sm-9">{}</dd>\n'
_FORM = (
    '<form method="post" action="{url}" hx-post="{url}" hx-target="#main" hx-select="#main"'
    ' hx-select-oob="#nav-inbox" hx-swap="outerHTML" class="{css}" novalidate>\n{csrf}'
)
_ACCEPT = (  # one person's ({id} is their id) or a group's ("group-" and the handover's id)
    _FORM + '{error}<div class="col-sm-{widths[0]}"><label class="form-label small"'
    ' for="first-{id}">{first}</label><input class="form-control{invalid[first_session_on]}"'
    ' type="date" name="first_session_on" id="first-{id}" value="{first_on}" required></div>'
    '<div class="col-sm-{widths[1]}"><label class="form-label small" for="buddy-{id}">{buddy}'
    '</label><input class="form-control{invalid[buddy]}" type="text" name="buddy"'
    ' id="buddy-{id}" value="{buddy_value}" maxlength="200" required></div>'
    '<div class="col-sm-{widths[2]}"><button type="submit" class="btn btn-success w-100">'
    "{accept}</button></div>\n</form>\n"
)
_DECLINE = (
    _FORM + '{error}<div class="col-sm-7"><label class="form-label small" for="reason-{pk}">'
    '{reason}</label>\n<select class="form-select{invalid[reason]}" name="reason"'
    ' id="reason-{pk}" required>{options}</select></div>'
    '<div class="col-12"><label class="form-label small" for="decline-note-{pk}">{note}</label>\n'
    '<input class="form-control{invalid[note]}" type="text" name="note" id="decline-note-{pk}"'
    ' value="{note_value}" maxlength="300"></div>'
    '<div class="col-sm-5"><button type="submit" class="btn btn-outline-danger w-100">{decline}'
    "</button></div>\n</form>\n"
)
# A refused answer's message, in the form it belongs to, and what marks a field to fix (it ends
# the field's class attribute and adds the ARIA attributes pointing at the message).
_ERROR = (
    '<div class="col-12"><p class="text-danger small mb-0" id="answer-error" role="alert">'
    "{}</p></div>"
)
_INVALID = ' is-invalid" aria-invalid="true" aria-describedby="answer-error'


class _Marks(dict):
    """The fields of a form to mark: none unless given."""

    def __missing__(self, key):
        return ""


_UNMARKED = _Marks()
_HEADER = (
    '<article class="border rounded p-3 mb-3" aria-labelledby="handover-{pk}">\n'
    '<h3 class="h5" id="handover-{pk}">{title}</h3>\n'
    '<p class="mb-1">{for_} <a href="{offer_url}">{offer}</a> · {mode}</p>\n'
    '<p class="mb-1 small">{sent}</p>\n{note}'
)
_NOTE = (
    '<blockquote class="border-start border-3 ps-2 mb-2"><p class="mb-0 small">'
    '<span class="fw-semibold">{}</span> {}</p></blockquote>\n'
)
_PERSON = (
    '<div class="{css}">\n{heading}<dl class="row small mb-0">\n{details}'
    '<dt class="col-sm-3">{wishes}</dt>\n<dd class="col-sm-9">{wished}</dd>\n</dl>\n'
    '<div class="row g-3 mt-0">\n{forms}</div>\n</div>\n'
)


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` writes, once for all the forms of a group."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


def _words(values, lower=False) -> str:
    text = ", ".join(str(value) for value in values)
    return escape(text.lower() if lower else text) or "–"


@register.simple_tag(takes_context=True)
def waiting_handover(context, group, decline_options):
    """The handover of `group` (from the inbox view): who sent it and why, then each person with
    contact details only with their consent, their wishes, and the forms to decline them (and
    to accept them, alone in a handover), then the form to accept a group at once."""
    handover, members = group["handover"], group["members"]
    alone = len(members) == 1
    first_on = group["first_session_on"].isoformat() if group["first_session_on"] else ""
    csrf, options = _csrf_input(context), str(decline_options)
    typed = context.get("typed_answer")
    no_contact = _DETAIL.format(
        escape(_("Contact")),
        escape(
            _(
                "The participant has not agreed to share contact details with you (any more). "
                "The project will put you in touch."
            )
        ),
    )
    phone, email, wishes = escape(_("Phone")), escape(_("Email")), escape(_("Wishes"))
    first, buddy = escape(_("First session")), escape(_("Contact or buddy"))
    note, accept = escape(_("About the reason (needed with other)")), escape(_("Accept"))
    reason_for, decline_name = _("Reason for declining %(name)s"), _("Decline %(name)s")
    reason, decline = escape(_("Reason")), escape(_("Decline"))
    html = [_header(handover, members)]
    for member in members:
        person = member.participant
        name = escape(str(person))
        if member.may_contact:
            details = _DETAIL.format(phone, escape(person.phone) or "–") + _DETAIL.format(
                email, escape(person.email) or "–"
            )
        else:
            details = no_contact
        wished = " · ".join(
            (
                _words(member.wished_activities),
                _words(person.get_preferred_weekdays_display(), lower=True),
                _words(person.get_preferred_times_display(), lower=True),
            )
        )
        if person.continue_with_team:
            wished += " · " + escape(str(person.get_continue_with_team_display()))
        forms = ""
        if alone:
            error, marks, data = _refused(typed, "accept", member.pk)
            forms = _ACCEPT.format(
                url=escape(member.accept_url),
                css="col-md-7 row g-2 align-items-end",
                csrf=csrf,
                id=member.pk,
                widths=(5, 4, 3),
                first=first,
                first_on=escape(data["first_session_on"]) if error else first_on,
                buddy=buddy,
                buddy_value=escape(data["buddy"]) if error else "",
                accept=accept,
                error=error,
                invalid=marks,
            )
        error, marks, data = _refused(typed, "decline", member.pk)
        forms += _DECLINE.format(
            url=escape(member.decline_url),
            css="col-md-5 row g-2 align-items-end",
            csrf=csrf,
            pk=member.pk,
            reason=reason if alone else escape(reason_for % {"name": person}),
            options=_selected(options, data["reason"]) if error else options,
            note=note,
            note_value=escape(data["note"]) if error else "",
            decline=decline if alone else escape(decline_name % {"name": person.first_name}),
            error=error,
            invalid=marks,
        )
        html.append(
            _PERSON.format(
                css="" if alone else "border-top pt-2 mt-2",
                heading=""
                if alone
                else f'<h4 class="h6 mb-1" id="member-{member.pk}">{name}</h4>\n',
                details=details,
                wishes=wishes,
                wished=wished,
                forms=forms,
            )
        )
    if not alone:
        error, marks, data = _refused(typed, "group", handover.pk)
        html.append(
            _ACCEPT.format(
                url=escape(group["accept_url"]),
                css="row g-2 align-items-end border-top pt-3 mt-2",
                csrf=csrf,
                id=f"group-{handover.pk}",
                widths=(4, 4, 4),
                first=first,
                first_on=escape(data["first_session_on"]) if error else first_on,
                buddy=buddy,
                buddy_value=escape(data["buddy"]) if error else "",
                error=error,
                invalid=marks,
                accept=escape(
                    ngettext("Accept %(counter)s", "Accept all %(counter)s", len(members))
                    % {"counter": len(members)}
                ),
            )
        )
    html.append("</article>\n")
    return mark_safe("".join(html))  # every value above is escaped


def _refused(typed, form, pk):
    """The message, the fields to mark and what was typed, when `typed` (a refused answer, see
    the inbox view) belongs to this form (`form` "accept", "decline" or "group" and the id of the
    person or the handover); else nothing to show, and the form is as on any other visit."""
    if not typed or typed["form"] != form or typed["pk"] != pk:
        return "", _UNMARKED, None
    marks = _Marks(dict.fromkeys(typed["invalid"], _INVALID))
    data = _Marks(typed["data"])  # a field not posted is empty
    return _ERROR.format(escape(typed["error"])), marks, data


def _selected(options: str, value: str) -> str:
    """The reasons' options with `value` chosen."""
    chosen = f'<option value="{escape(value)}">'
    return options.replace(chosen, chosen[:-1] + " selected>", 1) if value else options


def _header(handover, members) -> str:
    """Who the handover sends (a name, or how many from which course), to which offer, and who
    sent it when, with the coordinator's note."""
    if len(members) == 1:
        title = str(members[0].participant)
    else:
        title = ngettext(
            "%(counter)s person from %(course)s", "%(counter)s people from %(course)s", len(members)
        ) % {"counter": len(members), "course": handover.course.name}
    sent_at = members[0].sent_at
    values = {
        "project": handover.course.programme.organisation.name,
        "date": date_format(timezone.localtime(sent_at), "SHORT_DATE_FORMAT") if sent_at else "",
    }
    if sender := handover.proposer_name:
        sent = _("Sent by %(sender)s, %(project)s, on %(date)s.") % {"sender": sender, **values}
    else:
        sent = _("Sent by %(project)s on %(date)s.") % values
    offer = handover.offer
    return _HEADER.format(
        pk=handover.pk,
        title=escape(title),
        for_=escape(_("For")),
        offer_url=escape(offer.get_absolute_url()) if offer else "",
        offer=escape(offer.name) if offer else "",
        mode=escape(str(handover.get_mode_display())),
        sent=escape(sent),
        note=_NOTE.format(escape(_("The coordinator's note:")), escape(handover.note))
        if handover.note
        else "",
    )
