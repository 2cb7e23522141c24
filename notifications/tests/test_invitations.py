"""Invitation emails: a delivery row per email (the first and each resend), sent on commit,
built from the invitation as it is then, failed for the admins after the last retry."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic import services as clinic
from clinic.models import Invitation, Role
from notifications import reminders, tasks
from notifications.channels.email import EmailTransport
from notifications.kinds import INVITATION_RETRY
from notifications.models import Delivery


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit():` the queueing runs as on a real commit; `on_commit(False)`: the
    broker lost it (nothing queued)."""
    return lambda execute=True: django_capture_on_commit_callbacks(execute=execute)


def _invite(admin_user, on_commit, *, queued=True) -> Invitation:
    with on_commit(queued):
        return clinic.invitation_create(
            clinic=admin_user.clinic,
            email="nia@home.example",
            full_name="Nia New",
            role=Role.THERAPIST,
            invited_by=admin_user,
        )


def test_an_invitation_is_one_delivery_sent_once_and_counted(admin_user, on_commit):
    invitation = _invite(admin_user, on_commit)
    [row] = Delivery.objects.all()
    assert (row.kind, row.invitation, row.send_number, row.status) == (
        "invitation",
        invitation,
        1,
        "sent",
    )
    assert (row.user, row.clinic) == (invitation.user, admin_user.clinic)
    assert [m.to for m in mail.outbox] == [["nia@home.example"]]
    invitation.refresh_from_db()
    assert invitation.sent_count == 1
    assert tasks.delivery_send(row.pk) == "not pending"
    assert len(mail.outbox) == 1


def test_a_resend_is_a_new_delivery_with_the_new_link(admin_user, on_commit):
    invitation = _invite(admin_user, on_commit)
    with on_commit():
        clinic.invitation_resend(invitation=invitation, by=admin_user)
    invitation.refresh_from_db()
    rows = list(Delivery.objects.order_by("send_number").values_list("send_number", "status"))
    assert rows == [(1, "sent"), (2, "sent")]
    assert invitation.token in mail.outbox[-1].body
    assert invitation.token not in mail.outbox[0].body
    assert invitation.sent_count == 2


def test_a_resend_replaces_an_email_still_waiting(admin_user, on_commit):
    invitation = _invite(admin_user, on_commit, queued=False)
    with on_commit(False):
        clinic.invitation_resend(invitation=invitation, by=admin_user)
    assert list(Delivery.objects.order_by("send_number").values_list("status", flat=True)) == [
        "skipped",
        "pending",
    ]


def test_an_invitation_revoked_before_its_email_goes_is_not_sent(admin_user, on_commit):
    invitation = _invite(admin_user, on_commit, queued=False)
    clinic.invitation_revoke(invitation=invitation, by=admin_user)
    row = Delivery.objects.get()
    assert tasks.delivery_send(row.pk) == "skipped: invitation no longer pending"
    assert mail.outbox == []


def test_smtp_trouble_is_retried_then_failed_and_shown_to_the_admins(
    admin_user, client_for, monkeypatch, on_commit
):
    _invite(admin_user, on_commit, queued=False)
    row = Delivery.objects.get()

    def down(self, prepared, *, connection):
        raise smtplib.SMTPServerDisconnected("mail server gone")

    monkeypatch.setattr(EmailTransport, "send", down)
    last = tasks.delivery_send.apply(args=[row.pk], retries=INVITATION_RETRY.max_retries)
    assert last.get() == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "mail server gone" in row.last_error
    page = client_for(admin_user).get(reverse("notifications:deliveries"), {"status": "failed"})
    assert "nia@home.example" in page.content.decode()
    assert "Invitation" in page.content.decode()


def test_an_invitation_the_broker_lost_is_queued_again_by_the_next_pass(admin_user, on_commit):
    _invite(admin_user, on_commit, queued=False)
    assert mail.outbox == []
    with on_commit():
        reminders.reminders_dispatch(timezone.now() + reminders.REQUEUE_AFTER + timedelta(1))
    assert [m.to for m in mail.outbox] == [["nia@home.example"]]
