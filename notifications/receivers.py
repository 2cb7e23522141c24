"""Receivers of lower apps' domain signals. They call one service and hold no rules."""

from . import alerts, invitations


def alert_red_flag(sender, *, report, **kwargs):
    """A red flag: alert the patient's therapist and the clinic's admins (on commit)."""
    alerts.alerts_create(report=report)


def email_invitation(sender, *, invitation, **kwargs):
    """An invitation issued or resent: its email, on commit."""
    invitations.invitation_delivery_create(invitation=invitation)
