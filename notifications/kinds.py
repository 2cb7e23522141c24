"""What differs by kind of message, and what every kind shares.

Each kind's module (reminders, digest, alerts, invitations) registers its builder, retry
policy and "sent" follow-up here when it is imported (notifications.apps imports them);
delivery.py, the one send path, reads the registry. So no builder imports the send path and
the send path imports no builder: no circle between the modules of this app.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from .models import Delivery

logger = logging.getLogger(__name__)

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


_RULES: dict[str, KindRule] = {}


def register(kind: str, build, retry: RetryPolicy, on_sent=None) -> None:
    """A kind's module says how its messages are built, retried and followed up."""
    _RULES[kind] = KindRule(build=build, retry=retry, on_sent=on_sent)


def kind_rule(kind: str) -> KindRule:
    try:
        return _RULES[kind]
    except KeyError:
        raise LookupError(f"No module registered the message kind {kind!r}.") from None


def retry_policy(kind: str) -> RetryPolicy:
    return kind_rule(kind).retry


def queue_sends(ids: Iterable[int], *, retry: bool = True) -> None:
    """Queue one send task per row; call it on commit. Never raises: a broker that is down
    is logged, and the rows stay pending for the pass or the sweep that owns them.

    `retry=False` for a sweep that comes back itself: its task tries once and does not
    start a retry chain of its own.
    """
    # By name: the tasks module calls this app's services, never the other way round.
    from clinic.celery import app

    delivery_send = app.tasks["notifications.tasks.delivery_send"]
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
