from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Each kind's module registers how its messages are built (notifications.kinds), and
        # the tasks module the send task that kinds.queue_sends queues by name.
        # patients and clinic sit below notifications and cannot import it: they announce a
        # red flag and an invitation with domain signals, and the messages are made here.
        from clinic.signals import invitation_issued
        from patients.signals import red_flag_raised

        from . import alerts, digest, invitations, reminders, tasks  # noqa: F401
        from .receivers import alert_red_flag, email_invitation

        red_flag_raised.connect(alert_red_flag, dispatch_uid="notifications-red-flag-alert")
        invitation_issued.connect(email_invitation, dispatch_uid="notifications-invitation")
