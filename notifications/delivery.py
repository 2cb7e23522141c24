"""The one path every message takes, whatever its kind and channel.

Claim the row, build the message for its kind, send it through its channel, mark it sent;
or skip it (no longer needed), or put it back to pending for a retry, or give up. What
differs by kind is in two tables below: the builder (what the message says, or why it is no
longer needed, and what to record once it is sent) and the retry policy.

The row is claimed durably ("sending") just before the send, after everything that can be
done first (re-check, render, open the provider connection). A second copy of the task
finds the row claimed and stops. A worker killed between the claim and the provider's
"accepted" leaves the row "sending" and its outcome unknown: the kind's policy decides
whether it is sent again (red-flag alerts: a second copy beats no alert) or failed for the
admins (everything else: never the same reminder twice).
"""

import logging

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import channels, kinds
from .models import Delivery

logger = logging.getLogger(__name__)

Kind = Delivery.Kind
Status = Delivery.Status


# --- Sending ----------------------------------------------------------------------------


def delivery_send(delivery_id: int) -> str:
    """Send one pending delivery, at most once (alerts: see the module docstring)."""
    delivery = (
        Delivery.objects.select_related("user", "clinic", "patient__reminder_preference")
        .filter(pk=delivery_id, status=Status.PENDING)
        .first()
    )
    if delivery is None:
        return "not pending"
    rule = kinds.kind_rule(delivery.kind)
    try:
        message = rule.build(delivery)
    except kinds.Skip as skip:
        Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.SKIPPED, last_error=str(skip)[:300]
        )
        return f"skipped: {skip}"
    transport = channels.transport(delivery.channel)
    prepared = transport.prepare(delivery, message)
    with transport.connection() as provider:
        if not _claim(delivery_id):
            return "not pending"
        try:
            transport.send(prepared, connection=provider)
        except Exception as error:
            # Not sent: back to pending, so that the retry (or the next pass) sends it.
            Delivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
                status=Status.PENDING, last_error=_describe(error)
            )
            raise
    with transaction.atomic():
        delivery.sent_at = timezone.now()
        marked = Delivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
            status=Status.SENT, sent_at=delivery.sent_at, last_error=""
        )
        if marked and rule.on_sent:
            rule.on_sent(delivery)
    return "sent"


def _claim(delivery_id: int) -> int:
    """Take a pending row for sending (1 if this worker got it, 0 if another did)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Visible to other workers at once; not waiting for the WAL flush keeps the
            # moment between the claim and the send (where a killed worker loses a reminder)
            # far shorter. Only a database crash within that flush could undo the claim.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        now = timezone.now()
        return Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, last_attempt_at=now, attempts=F("attempts") + 1
        )


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def delivery_retry_in(
    delivery_id: int, *, retries: int, error: BaseException, retry: bool = True
) -> int | None:
    """After a transient error: record it on the row and return the seconds to wait before
    the task's next try, or None when this task should stop (see `delivery_give_up`)."""
    kind = Delivery.objects.filter(pk=delivery_id).values_list("kind", flat=True).first()
    Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        last_error=_describe(error), last_attempt_at=timezone.now()
    )
    if kind is None or not retry:
        return None
    policy = kinds.retry_policy(kind)
    if retries >= policy.max_retries:
        return None
    return policy.countdown(retries)


def delivery_give_up(delivery_id: int, *, error: BaseException) -> str:
    """The task stops trying: failed, with the reason, for the clinic admins to see; a
    red-flag alert stays pending instead, and the sweep keeps trying it."""
    kind = Delivery.objects.filter(pk=delivery_id).values_list("kind", flat=True).first()
    if kind is not None and kinds.retry_policy(kind).until_sent:
        return "pending: left for the sweep"
    Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.FAILED, last_error=_describe(error)
    )
    return "failed"
