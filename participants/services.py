"""Writes about participants that touch several rows or must be logged.

Every function here records what it did in the access log (`ParticipantAccess`), in the same
transaction as the change.
"""

import datetime
import hashlib

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Membership, Organisation

from . import hooks
from .consent_texts import current_version
from .models import (
    Consent,
    ListAccess,
    ListSet,
    ListSetParticipant,
    Participant,
    ParticipantAccess,
    ProgrammeReturn,
)

Action = ParticipantAccess.Action


class ParticipantError(Exception):
    """A rule of the domain refused the change; the message is for the user."""


class DuplicateParticipant(ParticipantError):
    pass


DUPLICATE = _("A participant with the same name, birth year and phone is already registered.")


def log_access(
    *,
    participant: Participant,
    membership: Membership | None,
    action: str,
    fields=(),
) -> ParticipantAccess:
    return ParticipantAccess.objects.create(
        participant=participant,
        user=membership.user if membership else None,
        role=membership.role if membership else "",
        action=action,
        fields=", ".join(fields),
    )


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def set_digest(participant_ids) -> str:
    """The name of a set of participants (`ListSet.digest`): the SHA-256, in hex, of their
    ids in ascending order joined by commas. The database works it out the same way when it
    logs a list (`_log_list_sql`); this is the definition in Python (the migration that made
    the sets, and the tests)."""
    text = ",".join(str(pk) for pk in sorted(set(participant_ids)))
    return hashlib.sha256(text.encode()).hexdigest()


def log_list_access_for(participant_ids, *, membership: Membership, action: str) -> int:
    """One access-log entry for a list (`ListAccess`) of the participants `participant_ids`
    (a queryset selecting the one column `participant_id`), whose set (`ListSet`) is stored
    once: the database names it by its digest and writes its participants only when no list
    had exactly these people before. No row passes through Python. A list of no one is not
    logged. Returns how many participants the list has (on SQLite: 1 if logged)."""
    sql, params = participant_ids.order_by().query.sql_with_params()
    if connection.vendor == "postgresql":
        return _log_list(f"({sql})", params, membership=membership, action=action)
    # SQLite has no INSERT inside a WITH: three statements, in an order that needs no
    # transaction. The set, new or found by its digest (Django gives SQLite SHA256); its
    # participants, unless there already (a set cut short by a failure is completed by the
    # next list of the same people); then the entry, which only ever names a whole set.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(ListSet._meta.db_table)} (digest) "
            "SELECT digest FROM (SELECT SHA256(group_concat(participant_id, ',')) AS digest, "
            "count(*) AS n FROM (SELECT DISTINCT participant_id FROM "
            f"({sql}) ids ORDER BY participant_id)) WHERE n > 0 "
            "ON CONFLICT (digest) DO UPDATE SET digest = excluded.digest RETURNING id",
            params,
        )
        row = cursor.fetchone()
        if row is None:
            return 0
        cursor.execute(
            f"INSERT INTO {qn(ListSetParticipant._meta.db_table)} (participant_id, set_id) "
            f"SELECT DISTINCT participant_id, %s FROM ({sql}) ids WHERE true "
            "ON CONFLICT DO NOTHING",
            [row[0], *params],
        )
    ListAccess.objects.create(
        user_id=membership.user_id, role=membership.role, action=action, set_id=row[0]
    )
    return 1


def log_list_access(participant_ids, *, membership: Membership, action: str) -> int:
    """One access-log entry for a list (`ListAccess`) of the participants `participant_ids`
    (ids at hand, such as the people a page shows), as `log_list_access_for`: on PostgreSQL
    one statement, no transaction around it. A list of no one is not logged. Returns how many
    participants the list has (on SQLite: 1 if logged)."""
    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        return 0
    if connection.vendor != "postgresql":
        return log_list_access_for(
            Participant.objects.filter(pk__in=ids).values(participant_id=F("pk")),
            membership=membership,
            action=action,
        )
    return _log_list(
        "(SELECT unnest(%s::bigint[]) AS participant_id)",
        [ids],
        membership=membership,
        action=action,
    )


def _log_list(source: str, params, *, membership: Membership, action: str) -> int:
    """PostgreSQL: log the list of participants in `source` (SQL of a table with the column
    participant_id, with its `params`) in one statement; returns how many participants."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {_log_list_sql(source)} "
            "SELECT coalesce((SELECT cardinality(ids) FROM digest), 0)",
            [*params, *_log_list_params(membership, action)],
        )
        return cursor.fetchone()[0]


def _log_list_sql(source: str) -> str:
    """PostgreSQL: the WITH queries that log the list of participants in `source` (SQL of a
    table or WITH query with the column participant_id) as an entry (`ListAccess`) of
    `ListSet` by its digest (as `set_digest`), the set's participants written only if the
    set is new. A list of no one writes nothing. Its parameters: `_log_list_params`.

    `digest` holds the distinct ids in order (one sort of the list's ids) and their digest.
    A set logged before this statement began is `found` by its digest, a plain read: nothing
    is written for it but the entry. A new set is inserted by `new_set`, and its participants
    with it. Only when neither holds (another statement wrote the same set a moment ago, and
    this one waited for it to commit: the set is not in this statement's snapshot) does
    `old_set` take the set as it is now, by an upsert, which writes a new version of its row.
    Either way the set's participants are all written when the entry is."""
    qn = connection.ops.quote_name
    sets = qn(ListSet._meta.db_table)
    return (
        "digest AS (SELECT ids, encode(sha256(convert_to(array_to_string(ids, ','), 'UTF8')), "
        "'hex') AS digest FROM (SELECT array_agg(DISTINCT participant_id ORDER BY "
        f"participant_id) AS ids FROM {source} listed HAVING count(*) > 0) listed_ids), "
        f"found AS (SELECT {sets}.id FROM {sets}, digest WHERE {sets}.digest = digest.digest), "
        f"new_set AS (INSERT INTO {sets} (digest) SELECT digest FROM digest "
        "WHERE NOT EXISTS (SELECT FROM found) ON CONFLICT (digest) DO NOTHING RETURNING id), "
        f"old_set AS (INSERT INTO {sets} (digest) SELECT digest FROM digest "
        "WHERE NOT EXISTS (SELECT FROM found) AND NOT EXISTS (SELECT FROM new_set) "
        "ON CONFLICT (digest) DO UPDATE SET digest = EXCLUDED.digest RETURNING id), "
        f"access AS (INSERT INTO {qn(ListAccess._meta.db_table)} "
        "(user_id, role, action, fields, at, set_id) SELECT %s, %s, %s, '', %s, id FROM "
        "(SELECT id FROM found UNION ALL SELECT id FROM new_set UNION ALL SELECT id FROM old_set)"
        " logged_set RETURNING id), "
        # In the order of the participants' ids: the primary key is filled page after page.
        f"logged AS (INSERT INTO {qn(ListSetParticipant._meta.db_table)} "
        "(participant_id, set_id) SELECT unnest(digest.ids), new_set.id FROM digest, new_set "
        "ORDER BY 1)"
    )


def _log_list_params(membership: Membership, action: str) -> list:
    return [membership.user_id, membership.role, action, _now()]


ROWS_PER_FETCH = 2000


def logging_form(rows):
    """`rows` (a `values_list` queryset of plain columns, one of them `participant_id`,
    ordered by fields) as `read_logging_access` reads it: in no order, with each field it was
    ordered by as a column of its own (`_order0`, `_order1_desc`...), which the statement
    sorts by after the log has read the rows, without handing it on (fewer values to convert
    per row). Compiled once per process, it can be given to `read_logging_access` as SQL
    (`common.prepared.Prepared.sql`)."""
    if "participant_id" not in rows._fields:
        raise ValueError("the rows have no participant_id")
    order = {
        f"_order{number}" + ("_desc" if name.startswith("-") else ""): name.removeprefix("-")
        for number, name in enumerate(rows.query.order_by)
    }
    return rows.order_by().annotate(**{alias: F(name) for alias, name in order.items()})


def read_logging_access(rows, *, participant_ids, membership: Membership, action: str):
    """Log the access to a list of participants (`log_list_access_for`: one entry for the
    list, whose set of participants is written only if no list had exactly these people),
    then return an iterator of `rows` (a `values_list` queryset of plain columns, one of them
    `participant_id`, ordered by fields) as tuples. On PostgreSQL `rows` may also be given as
    the SQL of such a queryset in `logging_form`, compiled already: (sql, params, fields).

    On PostgreSQL one statement does all: the rows' query is a WITH that the log's INSERTs
    read, so the list is worked out once, and the log and the rows are one transaction (a
    failure writes and sends nothing). The rows come through a client-side cursor, as the
    database driver returns them (no model field converters): PostgreSQL allows no cursor of
    its own for a statement that writes. Elsewhere `log_list_access_for(participant_ids)`
    writes the log first, and the rows are read after it."""
    if connection.vendor != "postgresql":
        log_list_access_for(participant_ids, membership=membership, action=action)
        return rows.iterator(chunk_size=ROWS_PER_FETCH)
    if isinstance(rows, tuple):
        sql, params, fields = rows
    else:
        compiler = logging_form(rows).query.get_compiler(connection.alias)
        sql, params = compiler.as_sql()
        fields = [alias for _expression, _sql, alias in compiler.select]
    qn = connection.ops.quote_name
    order_by = ", ".join(
        f"rows.{qn(name)}" + (" DESC" if name.endswith("_desc") else "")
        for name in fields
        if name.startswith("_order")
    )
    columns = ", ".join(f"rows.{qn(name)}" for name in fields if not name.startswith("_order"))
    cursor = connection.cursor()
    try:
        cursor.execute(
            f"WITH rows AS MATERIALIZED ({sql}), {_log_list_sql('rows')} "
            f"SELECT {columns} FROM rows" + (f" ORDER BY {order_by}" if order_by else ""),
            [*params, *_log_list_params(membership, action)],
        )
    except BaseException:
        cursor.close()
        raise
    return _fetched(cursor)


def _fetched(cursor):
    with cursor:
        while chunk := cursor.fetchmany(ROWS_PER_FETCH):
            yield from chunk


@transaction.atomic
def participant_create(*, form, membership: Membership) -> Participant:
    """Save a validated ParticipantForm as a new participant of the membership's project."""
    participant = form.save(commit=False)
    participant.organisation = membership.organisation
    participant.created_by = membership.user
    participant.full_clean(validate_constraints=False)  # the unique key answers below
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as error:
        # Registered by someone else a moment ago (the database's unique key says so).
        raise DuplicateParticipant(DUPLICATE) from error
    form.save_m2m()
    log_access(participant=participant, membership=membership, action=Action.CREATE)
    return participant


@transaction.atomic
def participant_update(*, form, membership: Membership) -> Participant:
    participant = form.save()
    if form.changed_data:
        log_access(
            participant=participant,
            membership=membership,
            action=Action.UPDATE,
            fields=form.changed_data,
        )
    return participant


@transaction.atomic
def consents_record(
    *,
    participant: Participant,
    membership: Membership,
    purposes: list[str],
    organisations: list[Organisation],
    given_on: datetime.date,
    method: str,
) -> list[Consent]:
    """The paper form: one consent per ticked purpose and one to share contact details per
    receiving organisation, all given on the same day in the same way; all or none saved."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_anonymised:
        raise ParticipantError(_("The participant is anonymised; no consent can be recorded."))
    shared = {"participant": participant, "given_on": given_on, "method": method,
              "recorded_by": membership.user}  # fmt: skip
    consents = [Consent(purpose=purpose, **shared) for purpose in purposes] + [
        Consent(purpose=Consent.Purpose.SHARE_CONTACT, organisation=organisation, **shared)
        for organisation in organisations
    ]
    for consent in consents:
        # The server records the version: the newest wording of each purpose.
        consent.text_version = current_version(consent.purpose)
        consent.full_clean()
        consent.save()
    if Consent.Purpose.REGISTRATION in purposes:
        programme_end_refresh([participant.pk])  # registered again: not ended by a consent
    log_access(
        participant=participant,
        membership=membership,
        action=Action.CONSENT,
        fields=sorted({consent.purpose for consent in consents}),
    )
    return consents


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, membership: Membership, on: datetime.date | None = None
) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    on = on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ParticipantError(_("This consent was already withdrawn."))
    if on < consent.given_on:
        raise ParticipantError(_("A consent cannot be withdrawn before it was given."))
    consent.withdrawn_on = on
    consent.withdrawal_recorded_by = membership.user
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])
    for handler in hooks.consent_withdrawal_handlers:
        handler(consent=consent, membership=membership)
    if consent.purpose == Consent.Purpose.REGISTRATION:
        programme_end_refresh([consent.participant_id])  # the last one withdrawn: ended
    log_access(
        participant=consent.participant,
        membership=membership,
        action=Action.WITHDRAW,
        fields=[consent.purpose],
    )
    return consent


@transaction.atomic
def participant_withdraw(
    *, participant: Participant, membership: Membership, on: datetime.date, reason: str
) -> Participant:
    """The participant leaves the programme on `on`: the one status a coordinator records by
    hand (every other status follows from what happened). The programme ends that day; the
    app that holds the courses takes them off theirs (see hooks.withdrawal_handlers)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_anonymised:
        raise ParticipantError(_("The participant is anonymised."))
    if participant.withdrawn_on is not None:
        raise ParticipantError(_("The participant has already left the programme."))
    if not reason.strip():
        raise ParticipantError(_("Give a reason for leaving the programme."))
    if on > timezone.localdate():
        raise ParticipantError(_("The date cannot be in the future."))
    if on < timezone.localdate(participant.created_at):
        raise ParticipantError(_("The date cannot be before the participant was registered."))
    _record_leaving(participant, membership, on, reason.strip())
    for handler in hooks.withdrawal_handlers:
        handler(participant)
    return participant


@transaction.atomic
def participant_return(
    *, participant: Participant, membership: Membership, on: datetime.date | None = None
) -> Participant:
    """The participant is back in the programme on `on` (today by default) after leaving it
    (or the leaving was recorded by mistake): the leaving is undone, and the programme's end is
    worked out again from what else ended it. The leaving and the return are kept as history
    (`ProgrammeReturn`, on the timeline); the status reads only `withdrawn_on`. The courses
    they were taken off are not given back (their places may have gone to the waitlist): they
    are enrolled again like anyone."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    on = on or timezone.localdate()
    if participant.is_anonymised:
        raise ParticipantError(_("The participant is anonymised."))
    if participant.withdrawn_on is None:
        raise ParticipantError(_("The participant has not left the programme."))
    if on > timezone.localdate():
        raise ParticipantError(_("The date cannot be in the future."))
    if on < participant.withdrawn_on:
        raise ParticipantError(_("The date cannot be before the participant left the programme."))
    ProgrammeReturn.objects.create(
        participant=participant,
        left_on=participant.withdrawn_on,
        left_reason=participant.withdrawn_reason,
        returned_on=on,
        recorded_by=membership.user,
    )
    return _record_leaving(participant, membership, None, "")


def _record_leaving(participant, membership, on, reason) -> Participant:
    """Save the day and reason the participant left (None and "" when it is undone), work the
    programme's end out again, and log the change."""
    participant.withdrawn_on, participant.withdrawn_reason = on, reason
    participant.save(update_fields=["withdrawn_on", "withdrawn_reason", "updated_at"])
    programme_end_refresh([participant.pk])
    log_access(
        participant=participant,
        membership=membership,
        action=Action.UPDATE,
        fields=["withdrawn_on", "withdrawn_reason"],
    )
    return participant


def registration_ends(participant_ids) -> dict[int, datetime.date]:
    """The day each participant's consent to be registered ended: the latest withdrawal, for
    those who had one and have none that is not withdrawn (a consent given again after a
    withdrawal means they are registered again). Those without an end are left out."""
    ends, open_ = {}, set()
    for participant_id, withdrawn_on in Consent.objects.filter(
        participant__in=participant_ids, purpose=Consent.Purpose.REGISTRATION
    ).values_list("participant_id", "withdrawn_on"):
        if withdrawn_on is None:
            open_.add(participant_id)
        else:
            ends[participant_id] = max(ends.get(participant_id, withdrawn_on), withdrawn_on)
    return {pk: day for pk, day in ends.items() if pk not in open_}


def programme_end_refresh(participant_ids) -> None:
    """The programme end date, which starts the retention period (`expired_participants`): the
    latest of the day the participant left the programme, the day their consent to be
    registered ended (`registration_ends`) and the days the apps above register
    (hooks.programme_end_providers: the last day of the latest course they completed); none
    of them: no end. Kept on the participant (indexed); every service that changes one of
    these days calls it in its transaction."""
    participants = list(Participant.objects.filter(pk__in=list(participant_ids)))
    ids = [participant.pk for participant in participants]
    found = [registration_ends(ids), *(provider(ids) for provider in hooks.programme_end_providers)]
    for participant in participants:
        days = [days[participant.pk] for days in found if participant.pk in days]
        if participant.withdrawn_on:
            days.append(participant.withdrawn_on)
        participant.ended_on = max(days) if days else None
    Participant.objects.bulk_update(participants, ["ended_on"])


def has_sharing_consent(
    *, participant: Participant, organisation: Organisation, on: datetime.date | None = None
) -> bool:
    """Does the participant, on `on` (today by default), consent to their name and contact
    details being shared with `organisation`?"""
    return (
        Consent.objects.active(on)
        .filter(
            participant=participant,
            participant__anonymised_at__isnull=True,
            purpose=Consent.Purpose.SHARE_CONTACT,
            organisation=organisation,
        )
        .exists()
    )


@transaction.atomic
def participant_anonymise(
    *, participant: Participant, membership: Membership | None
) -> Participant:
    """Irreversibly blank every personal field; keep the row for statistics.

    The birth year is coarsened to its decade; gender, municipality, status, dates, wishes and
    consents (which hold no personal data themselves) are kept. Free text about them (the
    reason for leaving, here and in the apps above: hooks.anonymise_handlers) is
    blanked. `membership` is None when the retention command does it.
    """
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_anonymised:
        raise ParticipantError(_("The participant is already anonymised."))
    for field in Participant.PERSONAL_FIELDS:
        setattr(participant, field, "")
    participant.birth_year = participant.birth_year // 10 * 10
    participant.anonymised_at = timezone.now()
    participant.withdrawn_reason = ""
    participant.save(
        update_fields=[
            *Participant.PERSONAL_FIELDS,
            "withdrawn_reason",
            "birth_year",
            "anonymised_at",
            "updated_at",
        ]
    )
    # Free text written about them elsewhere (it can hold health details): blanked too.
    ProgrammeReturn.objects.filter(participant=participant).update(left_reason="")
    for handler in hooks.anonymise_handlers:
        handler(participant)
    log_access(participant=participant, membership=membership, action=Action.ANONYMISE)
    return participant


def expired_participants(*, months: int, today: datetime.date | None = None):
    """Participants whose programme ended more than `months` ago, who have no active consent
    to follow-up contact and have not come back into the programme since (on a course or in a
    handover again: hooks.still_in_programme): what the retention rule says must be
    anonymised."""
    today = today or timezone.localdate()
    cutoff = _months_before(today, months)
    following_up = Consent.objects.active(today).filter(purpose=Consent.Purpose.FOLLOW_UP)
    expired = Participant.objects.filter(anonymised_at__isnull=True, ended_on__lt=cutoff).exclude(
        pk__in=following_up.values("participant")
    )
    for provider in hooks.still_in_programme_providers:
        expired = expired.exclude(pk__in=provider())
    return expired.order_by("ended_on", "pk")


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    # The 31st of a shorter month becomes that month's last day.
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
