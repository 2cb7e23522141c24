"""Invitation emails: one delivery row per email (the first and each resend, numbered), made
in the transaction that issues the invitation (a receiver of clinic.signals
.invitation_issued) and sent on commit. The email is built from the invitation at send time,
so it always carries the invitation's current link."""

import zoneinfo
from functools import partial

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from clinic.models import Invitation

from .kinds import INVITATION_RETRY, Message, Skip, absolute_url, queue_sends, register
from .models import Delivery

Status = Delivery.Status


@transaction.atomic
def invitation_delivery_create(*, invitation: Invitation) -> Delivery:
    """The next email for this invitation; an older one still waiting is replaced (it would
    only carry the same link a second time)."""
    # Locked: two resends at once number their emails one after the other.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("clinic")
        .get(pk=invitation.pk)
    )
    earlier = Delivery.objects.filter(invitation=invitation)
    number = (earlier.aggregate(n=Max("send_number"))["n"] or 0) + 1
    earlier.filter(status=Status.PENDING).update(
        status=Status.SKIPPED, last_error="Replaced by a newer invitation email."
    )
    clinic = invitation.clinic
    delivery = Delivery.objects.create(
        user_id=invitation.user_id,
        clinic=clinic,
        kind=Delivery.Kind.INVITATION,
        invitation=invitation,
        send_number=number,
        local_date=timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.timezone)).date(),
    )
    transaction.on_commit(partial(queue_sends, [delivery.pk]))
    return delivery


def invitation_message(delivery: Delivery) -> Message:
    invitation = (
        Invitation.objects.select_related("user", "clinic", "invited_by")
        .filter(pk=delivery.invitation_id)
        .first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        # Accepted, revoked or expired since: the link would not work.
        raise Skip("invitation no longer pending")
    return Message(
        template="invitation",
        context={
            "invitation": invitation,
            "clinic": invitation.clinic,
            "accept_url": absolute_url(
                reverse("clinic:invitation-accept", args=[invitation.token])
            ),
        },
    )


def invitation_sent(delivery: Delivery) -> None:
    Invitation.objects.filter(pk=delivery.invitation_id).update(sent_count=F("sent_count") + 1)


register(Delivery.Kind.INVITATION, invitation_message, INVITATION_RETRY, on_sent=invitation_sent)
