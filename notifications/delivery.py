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

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import channels
from .models import Delivery

logger = logging.getLogger(__name__)

Kind = Delivery.Kind
Status = Delivery.Status


@dataclass(frozen=True)
class Message:
    """What a builder gives a transport: a template name (emails/<template>_... for email)
    and its context. No health details: the text says there is something, the link shows it."""

    template: str
    context: dict = field(default_factory=dict)
    unsubscribe_url: str = ""


class Skip(Exception):
    """Raised by a builder: the message is no longer needed (the reason is kept on the row)."""


def absolute_url(path: str) -> str:
    """Links in messages: tasks have no request to build them from."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class RetryPolicy:
    """How a kind's send task retries the channel's transient errors."""

    max_retries: int
    backoff: int  # seconds before the first retry, doubled each time up to backoff_max
    backoff_max: int
    jitter: bool = False
    # Red-flag alerts: never given up. After the task's last retry the row stays pending for
    # the sweep, and a row a dead worker left "sending" is sent again. Everything else is
    # marked failed, for the admins to see, and never sent twice.
    until_sent: bool = False
    # A row "sending" for longer than this was claimed by a worker that died mid-send (the
    # send task's hard time limit is 60 s).
    interrupted_after: timedelta = timedelta(minutes=10)

    def countdown(self, retries: int) -> int:
        return get_exponential_backoff_interval(
            self.backoff, retries, self.backoff_max, self.jitter
        )


REMINDER_MAX_RETRIES = 6
REMINDER_RETRY = RetryPolicy(max_retries=REMINDER_MAX_RETRIES, backoff=30, backoff_max=900)
# "Retried until sent": about a week of attempts at the 10-minute cap, and the sweep (every
# minute) tries every pending alert as well, so an alert outlives even this task giving up.
ALERT_RETRY = RetryPolicy(
    max_retries=1000,
    backoff=1,
    backoff_max=600,
    jitter=True,
    until_sent=True,
    interrupted_after=timedelta(minutes=2),
)
INVITATION_RETRY = RetryPolicy(max_retries=8, backoff=1, backoff_max=600, jitter=True)


@dataclass(frozen=True)
class KindRule:
    # The message for a pending row, or Skip("why not").
    build: Callable[[Delivery], Message]
    retry: RetryPolicy
    # Recorded in the same transaction that marks the row sent (alert_sent_at, sent_count).
    on_sent: Callable[[Delivery], None] | None = None


@functools.cache
def kind_rules() -> dict[str, KindRule]:
    # Imported here, not at the top: those modules queue their sends through this one.
    from . import alerts, digest, invitations, reminders

    return {
        Kind.DAILY: KindRule(reminders.reminder_message, REMINDER_RETRY),
        Kind.MISSED: KindRule(reminders.reminder_message, REMINDER_RETRY),
        Kind.DIGEST: KindRule(digest.digest_message, REMINDER_RETRY),
        Kind.RED_FLAG: KindRule(alerts.alert_message, ALERT_RETRY, on_sent=alerts.alert_sent),
        Kind.INVITATION: KindRule(
            invitations.invitation_message, INVITATION_RETRY, on_sent=invitations.invitation_sent
        ),
    }


def retry_policy(kind: str) -> RetryPolicy:
    return kind_rules()[kind].retry


# --- Queueing ---------------------------------------------------------------------------


def queue_sends(ids: Iterable[int], *, retry: bool = True) -> None:
    """Queue one send task per row; call it on commit. Never raises: a broker that is down
    is logged, and the rows stay pending for the pass or the sweep that owns them.

    `retry=False` for a sweep that comes back itself: its task tries once and does not
    start a retry chain of its own.
    """
    from .tasks import delivery_send

    ids = list(ids)
    if not ids:
        return
    eager = delivery_send.app.conf.task_always_eager
    kwargs = None if retry else {"retry": False}
    try:
        # One producer for the whole batch: acquiring one per task dominates a large pass.
        with delivery_send.app.producer_or_acquire() as producer:
            for delivery_id in ids:
                try:
                    delivery_send.apply_async((delivery_id,), kwargs, producer=producer)
                except Exception:
                    if not eager:
                        raise
                    # Eager (the demo, tests): the send ran here and failed. Its row says so;
                    # the next pass or sweep tries again. The other rows still go.
                    logger.warning("delivery %s not sent now", delivery_id, exc_info=True)
    except Exception:  # broker down (kombu OperationalError, OSError)
        logger.exception("could not queue %s deliveries; they stay pending", len(ids))


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
    rule = kind_rules()[delivery.kind]
    try:
        message = rule.build(delivery)
    except Skip as skip:
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
    policy = retry_policy(kind)
    if retries >= policy.max_retries:
        return None
    return policy.countdown(retries)


def delivery_give_up(delivery_id: int, *, error: BaseException) -> str:
    """The task stops trying: failed, with the reason, for the clinic admins to see; a
    red-flag alert stays pending instead, and the sweep keeps trying it."""
    kind = Delivery.objects.filter(pk=delivery_id).values_list("kind", flat=True).first()
    if kind is not None and retry_policy(kind).until_sent:
        return "pending: left for the sweep"
    Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.FAILED, last_error=_describe(error)
    )
    return "failed"


def deliveries_interrupted_resolve(now: datetime, *, kinds: Iterable[str]) -> int:
    """Rows of these kinds that a dead worker left "sending": failed ("may not have been
    delivered") or, for kinds retried until sent, pending again. One query per policy."""
    groups: dict[tuple[bool, timedelta], list[str]] = {}
    for kind in kinds:
        policy = retry_policy(kind)
        groups.setdefault((policy.until_sent, policy.interrupted_after), []).append(kind)
    changed = 0
    for (until_sent, after), group in groups.items():
        rows = Delivery.objects.filter(
            status=Status.SENDING, kind__in=group, claimed_at__lt=now - after
        )
        if until_sent:
            changed += rows.update(
                status=Status.PENDING,
                last_error="Interrupted while sending: sent again, it may arrive twice.",
            )
        else:
            changed += rows.update(
                status=Status.FAILED,
                last_error="Interrupted while sending: it may not have been delivered.",
            )
    return changed
