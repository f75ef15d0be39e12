"""Partnership agreement transitions, one function per step, each checking the current state
under a row lock so that a step happens once; saving an offer's free places, which accepting a
handover also changes, by compare-and-set; and making and revoking API tokens."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.hashing import hash_secret

from .models import (
    READINESS_ITEMS,
    ApiToken,
    Membership,
    Offer,
    PartnershipAgreement,
    ReadinessAnswer,
)
from .models.readiness import Side

Status = PartnershipAgreement.Status


class AgreementError(Exception):
    """The step is not allowed now; the message is for the user."""


class StalePlacesError(Exception):
    """The free places changed since the form was opened; the message is for the user."""


def offer_create(*, form, organisation) -> Offer:
    """A new offer of the organisation, from the offer page's valid form."""
    form.instance.organisation = organisation
    return form.save()


@transaction.atomic
def offer_save_places(*, form, update_fields=None) -> Offer:
    """Save an offer form that holds `free_places` and `free_places_seen` (the number shown
    when the form was opened). Free places also change when a handover is accepted, so the
    number is compared and set under the offer's row lock: unchanged by the user, the current
    number is kept; changed from a number that is no longer current, nothing is saved."""
    current = Offer.objects.select_for_update().values_list("free_places", flat=True)
    current = current.get(pk=form.instance.pk)
    seen, wanted = form.cleaned_data["free_places_seen"], form.cleaned_data["free_places"]
    if wanted != seen and current != seen:
        form.data = form.data.copy()
        form.data["free_places_seen"] = "" if current is None else str(current)
        raise StalePlacesError(
            _(
                "The places for new members changed to %(current)s while you had the form "
                "open (a place may have been taken). Check the number and save again."
            )
            % {"current": "-" if current is None else current}
        )
    offer = form.save(commit=False)
    offer.free_places = wanted if wanted != seen else current
    offer.save(update_fields=update_fields)
    form.save_m2m()
    return offer


@transaction.atomic
def agreement_create(*, form, project) -> PartnershipAgreement:
    """Save a validated AgreementForm as a new draft agreement of `project`."""
    form.instance.project = project
    return form.save()


@transaction.atomic
def agreement_update(*, form) -> PartnershipAgreement:
    """Save a validated AgreementForm of a draft: the agreement and its programmes and offers at
    once (a form saves its row and then each list)."""
    return form.save()


def _locked(agreement) -> PartnershipAgreement:
    return PartnershipAgreement.objects.select_for_update().get(pk=agreement.pk)


@transaction.atomic
def agreement_send(*, agreement: PartnershipAgreement) -> PartnershipAgreement:
    agreement = _locked(agreement)
    if agreement.status != Status.DRAFT:
        raise AgreementError(_("Only a draft can be sent for signing."))
    agreement.status = Status.SENT
    agreement.sent_at = timezone.now()
    agreement.save(update_fields=["status", "sent_at"])
    return agreement


@transaction.atomic
def agreement_sign(*, agreement: PartnershipAgreement, membership: Membership):
    """Sign for the side the membership belongs to; when both sides have signed, the agreement
    is signed."""
    agreement = _locked(agreement)
    if agreement.status != Status.SENT:
        raise AgreementError(_("The agreement must be sent for signing before it is signed."))
    now = timezone.now()
    if membership.organisation_id == agreement.project_id and membership.role == "coordinator":
        if agreement.project_signed_at:
            raise AgreementError(_("The project has already signed."))
        agreement.project_signed_by, agreement.project_signed_at = membership.user, now
    elif membership.organisation_id == agreement.receiver_id and membership.role == "staff":
        if agreement.receiver_signed_at:
            raise AgreementError(_("The receiving organisation has already signed."))
        agreement.receiver_signed_by, agreement.receiver_signed_at = membership.user, now
    else:
        raise AgreementError(_("You cannot sign for either party."))
    if agreement.project_signed_at and agreement.receiver_signed_at:
        agreement.status = Status.SIGNED
    agreement.save()
    return agreement


@transaction.atomic
def agreement_activate(*, agreement: PartnershipAgreement) -> PartnershipAgreement:
    agreement = _locked(agreement)
    if agreement.status != Status.SIGNED:
        raise AgreementError(_("Only a signed agreement can be put into force."))
    agreement.status = Status.ACTIVE
    agreement.save(update_fields=["status"])
    return agreement


@transaction.atomic
def agreement_end(*, agreement: PartnershipAgreement) -> PartnershipAgreement:
    agreement = _locked(agreement)
    if agreement.status not in (Status.SIGNED, Status.ACTIVE):
        raise AgreementError(_("Only a signed or active agreement can be ended."))
    agreement.status = Status.ENDED
    agreement.ended_at = timezone.now()
    agreement.save(update_fields=["status", "ended_at"])
    return agreement


@transaction.atomic
def agreement_new_version(*, agreement: PartnershipAgreement) -> PartnershipAgreement:
    """A signed agreement is never edited: its changes go into a new draft version."""
    agreement = _locked(agreement)
    if agreement.status == Status.DRAFT:
        raise AgreementError(_("A draft can be edited as it is."))
    if hasattr(agreement, "next_version"):
        raise AgreementError(_("There is already a newer version of this agreement."))
    programmes, offers = list(agreement.programmes.all()), list(agreement.offers.all())
    copy = PartnershipAgreement.objects.get(pk=agreement.pk)
    copy.pk = None
    copy.version = agreement.version + 1
    copy.previous = agreement
    copy.status = Status.DRAFT
    for field in ["sent_at", "project_signed_by", "project_signed_at", "receiver_signed_by",
                  "receiver_signed_at", "ended_at"]:  # fmt: skip
        setattr(copy, field, None)
    copy.save()
    copy.programmes.set(programmes)
    copy.offers.set(offers)
    return copy


# --- API tokens for the reporting API -----------------------------------------------------------


@transaction.atomic
def api_token_create(*, organisation, name: str, user) -> tuple[ApiToken, str]:
    """A new token for `organisation`, made by `user` (a coordinator there). Returns the token
    and its secret, which is shown once and never stored."""
    secret = ApiToken.new_secret()
    token = ApiToken(
        organisation=organisation,
        name=name,
        key_prefix=secret[:8],
        key_hash=hash_secret(secret),
        created_by=user,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke the token at once; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def readiness_own_sides(membership: Membership, receiver) -> set[str]:
    """Each party answers its own side of the readiness checklist. The project's coordinators
    also answer the receiving organisation's side while it has no staff users of its own."""
    if membership.role == Membership.Role.STAFF:
        return {Side.RECEIVER}
    staffed = Membership.objects.filter(organisation=receiver, role=Membership.Role.STAFF).exists()
    return {Side.PROJECT} if staffed else {Side.PROJECT, Side.RECEIVER}


@transaction.atomic
def readiness_answers_save(
    *, project, receiver, membership: Membership, user, data
) -> tuple[int, list]:
    """Save the readiness checklist as posted (`<item>-answer`, `<item>-note`) by `user` in
    their active `membership`: a new dated answer for every item whose answer or note changed;
    nothing half-saved. Returns (answers saved, error messages). An answer posted for the other
    party's side is refused as a whole (the page offers none)."""
    own_sides = readiness_own_sides(membership, receiver)
    current = {
        a.item: a
        for a in ReadinessAnswer.objects.visible_to(user)
        .filter(project=project, receiver=receiver)
        .latest()
    }
    new, errors = [], set()
    note_limit = ReadinessAnswer._meta.get_field("note").max_length
    Answer = ReadinessAnswer.Answer
    for item in READINESS_ITEMS:
        answer = data.get(f"{item.key}-answer", "")
        note = data.get(f"{item.key}-note", "").strip()
        if item.side not in own_sides and (answer or note):
            raise PermissionDenied
        if len(note) > note_limit:
            errors.add(
                gettext("A note can be at most %(limit)s characters; nothing was saved.")
                % {"limit": note_limit}
            )
            continue
        if not answer:
            continue
        if answer not in Answer.values:
            errors.add(gettext("Choose yes, partly or no."))
            continue
        old = current.get(item.key)
        if old and old.answer == answer and old.note == note:
            continue
        new.append(
            ReadinessAnswer(
                project=project,
                receiver=receiver,
                item=item.key,
                answer=answer,
                note=note,
                answered_on=timezone.localdate(),
                answered_by=user,
            )
        )
    if errors:
        return 0, sorted(errors)
    ReadinessAnswer.objects.bulk_create(new)
    return len(new), []
