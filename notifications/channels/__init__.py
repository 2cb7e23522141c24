"""Transports: one module per channel, named in settings.NOTIFICATION_CHANNELS.

A transport turns a channel-neutral `Message` (a template name and its context, from the
builder of the delivery's kind) into what its provider takes, for one recipient, and sends
it. It is used in three steps so that the moment between the row's claim and the send stays
short (a worker killed in it leaves a message in doubt):

    prepared = transport.prepare(delivery, message)   # render; before the claim
    with transport.connection() as connection:        # open the provider connection
        ...claim the row...
        transport.send(prepared, connection=connection)

`transient_errors` are the provider's trouble worth another try later; anything else is a
bug, raised and left on the row.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Transport(Protocol):
    transient_errors: tuple[type[BaseException], ...]

    def prepare(self, delivery, message) -> Any: ...

    def connection(self) -> AbstractContextManager: ...

    def send(self, prepared: Any, *, connection: Any) -> None: ...


def transport(channel: str) -> Transport:
    """The transport of a Delivery.channel (a KeyError for a channel without one)."""
    return import_string(settings.NOTIFICATION_CHANNELS[channel])()


def _transports() -> Iterator[Transport]:
    return (transport(channel) for channel in settings.NOTIFICATION_CHANNELS)


def transient_errors() -> tuple[type[BaseException], ...]:
    """Every channel's transient errors: what the send task retries."""
    return tuple({error for t in _transports() for error in t.transient_errors})
