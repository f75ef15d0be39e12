"""The inbox's handovers waiting for an answer, for jinja2/bridging/waiting_handovers.html: the
texts each card shows worked out once here (names, wishes, who sent it when), the markup in the
template. A page shows five handovers of up to about six people; in the Django template
language each person cost some thirty variable lookups and two forms' worth of tags, more than
every query of the page, so the cards are a Jinja2 fragment (common.fragments).

An answer the server refused comes back in its own form (`typed`, from the inbox view's
`_keep_typed`): what was typed, the fields to fix marked invalid, and the message beside them."""

from collections import defaultdict
from types import SimpleNamespace

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import fragments

from ..forms import DeclineForm


def waiting_html(groups, typed, csrf_token) -> str:
    """The cards of `groups` (the inbox view's `_by_handover`), each with its people and their
    forms; `csrf_token` goes into every form."""
    cards = []
    for group in groups:
        handover, members = group["handover"], group["members"]
        alone = len(members) == 1
        offer = handover.offer
        cards.append(
            SimpleNamespace(
                handover=handover,
                alone=alone,
                title=_title(handover, members),
                offer_url=offer.get_absolute_url() if offer else "",
                offer_name=offer.name if offer else "",
                mode=str(handover.get_mode_display()),
                sent=_sent(handover, members[0].sent_at),
                people=[_person(member, typed, alone) for member in members],
                first_on=group["first_session_on"].isoformat() if group["first_session_on"] else "",
                accept_url=group["accept_url"],
                accept_all=ngettext("Accept %(counter)s", "Accept all %(counter)s", len(members))
                % {"counter": len(members)},
                refused=None if alone else _refused(typed, "group", handover.pk),
            )
        )
    return fragments.render(
        "bridging/waiting_handovers.html",
        groups=cards,
        reasons=[(value, str(label)) for value, label in DeclineForm.base_fields["reason"].choices],
        csrf_token=csrf_token,
    )


def _person(member, typed, alone):
    """One person of a handover: contact details only with their consent, and their wishes."""
    person = member.participant
    wished = " · ".join(
        (
            _words(member.wished_activities),
            _words(person.preferred_weekdays_in_sentence()),
            _words(person.get_preferred_times_display(), lower=True),
        )
    )
    if person.continue_with_team:
        wished += " · " + str(person.get_continue_with_team_display())
    return SimpleNamespace(
        pk=member.pk,
        name=str(person),
        first_name=person.first_name,
        contact=(person.phone or "–", person.email or "–") if member.may_contact else None,
        wished=wished,
        accept_url=member.accept_url,
        decline_url=member.decline_url,
        accept_refused=_refused(typed, "accept", member.pk) if alone else None,
        decline_refused=_refused(typed, "decline", member.pk),
    )


def _words(values, lower=False) -> str:
    text = ", ".join(str(value) for value in values)
    return (text.lower() if lower else text) or "–"


def _title(handover, members) -> str:
    """Who the handover sends: a name, or how many from which course."""
    if len(members) == 1:
        return str(members[0].participant)
    return ngettext(
        "%(counter)s person from %(course)s", "%(counter)s people from %(course)s", len(members)
    ) % {"counter": len(members), "course": handover.course.name}


def _sent(handover, sent_at) -> str:
    """Who sent the handover when."""
    values = {
        "project": handover.course.programme.organisation.name,
        "date": date_format(timezone.localtime(sent_at), "SHORT_DATE_FORMAT") if sent_at else "",
    }
    if sender := handover.proposer_name:
        return _("Sent by %(sender)s, %(project)s, on %(date)s.") % {"sender": sender, **values}
    return _("Sent by %(project)s on %(date)s.") % values


def _refused(typed, form, pk):
    """The message, the fields to fix and what was typed, when `typed` (a refused answer, see
    the inbox view) belongs to this form (`form` "accept", "decline" or "group" and the id of the
    person or the handover); else None, and the form is as on any other visit."""
    if not typed or typed["form"] != form or typed["pk"] != pk:
        return None
    return SimpleNamespace(
        error=typed["error"],
        fix=frozenset(typed["invalid"]),
        data=defaultdict(str, typed["data"]),  # a field not posted is empty
    )
