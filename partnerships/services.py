"""Partnership agreement transitions, one function per step, each checking the current state
under a row lock so that a step happens once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Membership, PartnershipAgreement

Status = PartnershipAgreement.Status


class AgreementError(Exception):
    """The step is not allowed now; the message is for the user."""


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
