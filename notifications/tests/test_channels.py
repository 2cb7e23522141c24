"""A channel is a transport named in settings.NOTIFICATION_CHANNELS: the send path, the
kind's builder and its rules are the same whatever carries the message."""

import smtplib
from contextlib import nullcontext

from django.core import mail
from django.utils import timezone

from notifications import channels, delivery
from notifications.channels.email import EmailTransport
from notifications.models import Delivery
from patients.tests.factories import RedFlagReportFactory


class RecordingTransport:
    """A stand-in for a provider (an SMS gateway, say): records what it was given."""

    transient_errors = (TimeoutError,)
    sent: list = []

    def prepare(self, delivery, message):
        return (delivery.user.email, message.template, sorted(message.context))

    def connection(self):
        return nullcontext()

    def send(self, prepared, *, connection):
        RecordingTransport.sent.append(prepared)


def test_email_is_the_default_channel():
    assert isinstance(channels.transport(Delivery.Channel.EMAIL), EmailTransport)
    assert Delivery._meta.get_field("channel").default == "email"


def test_a_delivery_goes_through_the_transport_of_its_channel(settings, patient, therapist):
    settings.NOTIFICATION_CHANNELS = {
        **settings.NOTIFICATION_CHANNELS,
        "test": "notifications.tests.test_channels.RecordingTransport",
    }
    RecordingTransport.sent = []
    report = RedFlagReportFactory(patient=patient)
    row = Delivery.objects.create(
        user=therapist,
        patient=patient,
        clinic=patient.clinic,
        channel="test",
        kind="red_flag",
        red_flag_report=report,
        local_date=timezone.now().date(),
    )
    assert delivery.delivery_send(row.pk) == "sent"
    assert RecordingTransport.sent == [(therapist.email, "red_flag_alert", ["clinic", "url"])]
    assert mail.outbox == []
    report.refresh_from_db()
    assert report.alert_sent_at is not None  # the kind's rule, whatever the channel
    # The send task retries every configured channel's transient errors.
    errors = channels.transient_errors()
    assert TimeoutError in errors and smtplib.SMTPException in errors
