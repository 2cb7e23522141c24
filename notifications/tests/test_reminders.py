"""Reminders, nudges and digests, run eagerly; the real-worker cases are in
test_reminders_live.py."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import ClinicalSettings
from notifications import reminders
from notifications.kinds import REMINDER_MAX_RETRIES
from notifications.models import Delivery
from notifications.tasks import delivery_send
from notifications.tests.reminder_helpers import patients_on_plans
from notifications.unsubscribe import unsubscribe_token
from patients.models import ReminderPreference
from patients.tests.factories import PatientFactory, RedFlagReportFactory, WalkLogFactory
from programs import services
from programs.tests.factories import assign_plan

# A Friday (ISO weekday 5), 12:00 UTC: past 10:00 in London (UTC+0 in November).
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_plan(patient, therapist):
    with time_machine.travel(NOON - timedelta(days=1), tick=False):
        assign_plan(patient, by=therapist)
    return patient


def dispatch(now=NOON):
    with time_machine.travel(now, tick=False):
        return reminders.reminders_dispatch(now)


def sent_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_a_due_patient_gets_one_reminder_with_text_html_and_an_unsubscribe_link(on_plan):
    dispatch()
    [message] = mail.outbox
    assert message.to == [on_plan.user.email]
    assert message.subject == "Time for today's walk"
    assert message.alternatives[0][1] == "text/html"
    assert "/notifications/reminders/off/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    # No health details: no pain, no diagnosis, no plan numbers in the email.
    assert "pain rises about 2 points" in message.body and "stenosis" not in message.body
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.status, delivery.local_date) == ("daily", "sent", NOON.date())


def test_running_the_pass_twice_sends_once(on_plan):
    dispatch()
    dispatch(NOON + timedelta(minutes=5))
    assert len(mail.outbox) == 1


def test_no_reminder_before_the_chosen_time(on_plan):
    ReminderPreference.objects.create(patient=on_plan, remind_at=time(13, 0))
    dispatch()
    assert mail.outbox == []
    dispatch(NOON + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_a_patient_in_another_timezone_gets_it_at_their_local_time(on_plan):
    on_plan.timezone = "America/New_York"  # 10:00 there is 15:00 UTC
    on_plan.save()
    dispatch()
    assert mail.outbox == []
    dispatch(NOON.replace(hour=15))
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().local_date == NOON.date()


@pytest.mark.parametrize(
    "change",
    ["unselected_day", "logged_today", "plan_paused", "unsubscribed", "deactivated"],
)
def test_no_reminder_when(change, on_plan, therapist):
    if change == "unselected_day":
        ReminderPreference.objects.create(patient=on_plan, weekdays="1234")
    elif change == "logged_today":
        WalkLogFactory(patient=on_plan, date=NOON.date())
    elif change == "plan_paused":
        plan = on_plan.plans.get()
        services.plan_pause(plan=plan, by=therapist, reason="holiday")
    elif change == "unsubscribed":
        ReminderPreference.objects.create(patient=on_plan, email_enabled=False)
    elif change == "deactivated":
        on_plan.user.is_active = False
        on_plan.user.save()
    dispatch()
    assert sent_to(on_plan.user.email) == []


def test_the_send_task_rechecks_the_patient_before_sending(on_plan):
    with time_machine.travel(NOON, tick=False), CaptureQueriesContext(connection):
        ids = reminders._patient_rows(NOON)
        Delivery.objects.bulk_create(ids)
    WalkLogFactory(patient=on_plan, date=NOON.date())  # logged between the pass and the send
    delivery = Delivery.objects.get()
    with time_machine.travel(NOON, tick=False):
        assert delivery_send.delay(delivery.pk).get() == "skipped: walk already logged"
    delivery.refresh_from_db()
    assert (delivery.status, mail.outbox) == ("skipped", [])


def test_a_replayed_send_task_sends_nothing_more(on_plan):
    dispatch()
    delivery = Delivery.objects.get()
    assert delivery_send.delay(delivery.pk).get() == "not pending"
    assert len(mail.outbox) == 1


@pytest.fixture
def smtp_down(settings):
    """Real SMTP to a port nothing listens on: every connection is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


def _pending_delivery():
    with time_machine.travel(NOON, tick=False):
        Delivery.objects.bulk_create(reminders._patient_rows(NOON))
    return Delivery.objects.get()


def test_smtp_failures_are_retried_then_marked_failed(on_plan, smtp_down):
    delivery = _pending_delivery()
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(Retry):  # the first attempt asks for a retry with backoff
            delivery_send.apply(args=[delivery.pk], throw=True)
        delivery.refresh_from_db()
        assert delivery.status == "pending"  # the connection failed before any claim
        last = delivery_send.apply(args=[delivery.pk], retries=REMINDER_MAX_RETRIES, throw=True)
    assert last.get() == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "ConnectionRefusedError" in delivery.last_error


def test_admins_see_failed_deliveries(on_plan, admin_user, client_for, smtp_down):
    delivery = _pending_delivery()
    with time_machine.travel(NOON, tick=False):
        delivery_send.apply(args=[delivery.pk], retries=REMINDER_MAX_RETRIES)
    page = client_for(admin_user).get(reverse("notifications:deliveries"), {"status": "failed"})
    assert page.status_code == 200
    assert on_plan.user.email in page.content.decode()


def test_missed_logging_nudge_after_three_days_then_not_again_for_three(patient, therapist):
    with time_machine.travel(NOON - timedelta(days=10), tick=False):
        assign_plan(patient, by=therapist)
    WalkLogFactory(patient=patient, date=(NOON - timedelta(days=3)).date())
    dispatch()
    [message] = sent_to(patient.user.email)
    assert message.subject == "We have not seen a walk for a few days"
    assert Delivery.objects.get(patient=patient).kind == "missed"
    for day in (1, 2):
        dispatch(NOON + timedelta(days=day))
    assert [d.kind for d in Delivery.objects.filter(patient=patient).order_by("local_date")] == [
        "missed",
        "daily",
        "daily",
    ]
    dispatch(NOON + timedelta(days=3))
    assert Delivery.objects.filter(patient=patient, kind="missed").count() == 2


def test_a_nudge_day_gets_no_daily_reminder_on_the_next_pass(patient, therapist):
    # #15 defect 2: every nudged patient also got the daily reminder five minutes later.
    with time_machine.travel(NOON - timedelta(days=10), tick=False):
        assign_plan(patient, by=therapist)
    WalkLogFactory(patient=patient, date=(NOON - timedelta(days=3)).date())
    dispatch()
    dispatch(NOON + timedelta(minutes=5))
    dispatch(NOON + timedelta(hours=3))

    assert [d.kind for d in Delivery.objects.filter(patient=patient)] == ["missed"]
    assert len(sent_to(patient.user.email)) == 1


def test_the_clinic_sets_the_nudge_days(patient, therapist):
    ClinicalSettings.objects.create(clinic=patient.clinic, missed_log_nudge_days=5)
    with time_machine.travel(NOON - timedelta(days=10), tick=False):
        assign_plan(patient, by=therapist)
    WalkLogFactory(patient=patient, date=(NOON - timedelta(days=4)).date())
    dispatch()
    assert Delivery.objects.get(patient=patient).kind == "daily"


def test_opening_the_unsubscribe_link_changes_nothing_until_confirmed(on_plan, client):
    # #16, point 6: mail scanners open links (GET, HEAD); only a POST turns reminders off.
    url = reverse("notifications:reminders-off", args=[unsubscribe_token(on_plan.pk)])

    for response in (client.get(url), client.head(url)):
        assert response.status_code == 200
    assert "Turn reminders off" in client.get(url).content.decode()
    assert not ReminderPreference.objects.filter(patient=on_plan, email_enabled=False).exists()

    response = client.post(url)

    assert response.status_code == 200
    assert not ReminderPreference.objects.get(patient=on_plan).email_enabled
    dispatch()
    assert mail.outbox == []


def test_one_click_unsubscribe_from_the_mail_client_works_without_a_form(on_plan):
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no CSRF token.
    from django.test import Client

    url = reverse("notifications:reminders-off", args=[unsubscribe_token(on_plan.pk)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not ReminderPreference.objects.get(patient=on_plan).email_enabled


def test_the_unsubscribe_token_is_opaque_and_expires(on_plan, client):
    token = unsubscribe_token(on_plan.pk)
    assert str(on_plan.pk) not in token and "patient" not in token
    import base64

    padded = token + "=" * (-len(token) % 4)
    assert b"patient" not in base64.urlsafe_b64decode(padded)

    url = reverse("notifications:reminders-off", args=[token])
    with time_machine.travel(datetime.now(UTC) + timedelta(days=91)):
        response = client.post(url)
    assert response.status_code == 404
    assert not ReminderPreference.objects.filter(patient=on_plan, email_enabled=False).exists()


def test_reminder_emails_offer_one_click_unsubscribe(on_plan):
    dispatch()
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_tampered_unsubscribe_link_changes_nothing(on_plan, client):
    token = unsubscribe_token(on_plan.pk)[:-2] + "xx"
    response = client.post(reverse("notifications:reminders-off", args=[token]))
    assert response.status_code == 404
    assert not ReminderPreference.objects.filter(patient=on_plan).exists()


def test_the_therapist_digest_lists_what_needs_action_once_a_day(on_plan, therapist):
    RedFlagReportFactory(patient=on_plan, reported_by=on_plan.user)
    dispatch(NOON.replace(hour=6))  # before 07:00 clinic time: no digest yet
    assert sent_to(therapist.email) == []
    dispatch()
    dispatch(NOON + timedelta(hours=1))
    [digest] = sent_to(therapist.email)
    assert digest.subject == "Your Stride digest"
    assert "1 open red-flag report to acknowledge" in digest.body
    assert on_plan.full_name not in digest.body  # counts and a link, no names


def test_no_digest_for_a_therapist_with_nothing_to_act_on(on_plan, therapist):
    WalkLogFactory(patient=on_plan, date=NOON.date())
    dispatch()
    assert sent_to(therapist.email) == []


@pytest.fixture
def queue_only():
    """Queue send tasks on an in-memory broker without running them: the pass alone."""
    from clinic.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="memory://")
    app._pool = None
    yield
    app.conf.update(saved)
    app._pool = None


@pytest.mark.parametrize("count", [10, 1000])
def test_the_pass_uses_a_fixed_number_of_queries(count, clinic, therapist, queue_only):
    patients_on_plans(clinic, therapist, count)
    PatientFactory(clinic=clinic, primary_therapist=therapist)  # no plan: never a candidate
    with time_machine.travel(NOON, tick=False), CaptureQueriesContext(connection) as ctx:
        queued = reminders.reminders_dispatch(NOON)
    assert len(queued) == count
    queries = [q["sql"] for q in ctx.captured_queries]
    inserts = [q for q in queries if q.startswith("INSERT")]
    # Digest: red flags, suggestions, clinic settings, patients who stopped logging. Then, in
    # one transaction (its BEGIN and COMMIT are counted): stale "sending" rows marked
    # failed; one INSERT ... SELECT that decides who is due and returns the new ids; the
    # digest rows and rows never queued. On any database, whatever the count.
    assert len(queries) - len(inserts) == 8, queries
    assert len(inserts) == 1


def test_admins_never_see_another_clinics_deliveries(on_plan, other_therapist, client_for):
    dispatch()
    from clinic.models import Role
    from clinic.tests.factories import StaffFactory

    other_admin = StaffFactory(clinic=other_therapist.clinic, role=Role.ADMIN)
    page = client_for(other_admin).get(reverse("notifications:deliveries"))
    assert page.status_code == 200
    assert on_plan.user.email not in page.content.decode()


@pytest.mark.parametrize("rows", [1, 40])
def test_deliveries_page_uses_a_fixed_number_of_queries(
    rows, clinic, therapist, admin_user, client_for, django_assert_num_queries
):
    patients_on_plans(clinic, therapist, rows)
    dispatch()
    client = client_for(admin_user)
    client.get(reverse("notifications:deliveries"))
    # session, user, MFA check, clinic (header), count, page of deliveries with recipients,
    # the audit event (and its transaction on PostgreSQL)
    with django_assert_num_queries(7 if connection.vendor == "sqlite" else 7):
        client.get(reverse("notifications:deliveries"))


def test_a_row_left_sending_by_a_dead_worker_is_not_sent_again_but_marked_failed(on_plan):
    delivery = _pending_delivery()
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=NOON)
    assert delivery_send.apply(args=[delivery.pk]).get() == "not pending"
    dispatch(NOON + timedelta(minutes=11))
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "may not have been delivered" in delivery.last_error
    assert mail.outbox == []


@pytest.fixture
def memory_queue(queue_only, settings):
    """queue_only, with a producer pool of its own (the app keeps one per broker it used
    first), and the default queue emptied: its name."""
    from clinic.celery import app

    app.amqp._producer_pool = None
    _queued(settings.CELERY_TASK_DEFAULT_QUEUE)
    yield settings.CELERY_TASK_DEFAULT_QUEUE
    app.amqp._producer_pool = None


def _queued(queue_name):
    """The messages waiting on the in-memory broker's queue, taken off it."""
    from clinic.celery import app

    with app.connection_for_write() as conn:
        queue = conn.SimpleQueue(queue_name, no_ack=True)
        messages = []
        while queue.qsize():
            messages.append(queue.get(timeout=1))
        queue.close()
    return messages


def test_the_pass_publishes_once_and_the_workers_queue_one_send_per_row(
    clinic, therapist, memory_queue, monkeypatch
):
    # #13: one publish per reminder made the pass for 10,000 patients take 14 s.
    from notifications import tasks

    monkeypatch.setattr(tasks, "SEND_CHUNK", 4)
    patients_on_plans(clinic, therapist, 10)
    queue_name = memory_queue
    with time_machine.travel(NOON, tick=False):
        ids = reminders.reminders_dispatch(NOON)

    [handout] = _queued(queue_name)
    assert handout.headers["task"] == "notifications.tasks.deliveries_queue"
    assert sorted(handout.payload[0][0]) == sorted(ids)

    # A worker splits the hand-out into tasks of SEND_CHUNK rows...
    tasks.deliveries_queue.apply(args=[handout.payload[0][0]])
    chunks = _queued(queue_name)
    assert {m.headers["task"] for m in chunks} == {"notifications.tasks.deliveries_queue"}
    assert sorted(len(m.payload[0][0]) for m in chunks) == [2, 4, 4]
    # ...and each of those queues one send task per row.
    for chunk in chunks:
        tasks.deliveries_queue.apply(args=[chunk.payload[0][0]])
    sends = _queued(queue_name)
    assert {m.headers["task"] for m in sends} == {"notifications.tasks.delivery_send"}
    assert sorted(m.payload[0][0] for m in sends) == sorted(ids)


def test_a_pass_while_the_broker_is_down_keeps_its_rows_for_the_next_pass(on_plan):
    from notifications.tests.test_alerts import broker_down

    with broker_down():
        ids = dispatch()
    [delivery] = Delivery.objects.all()
    assert ids == [delivery.pk] and delivery.status == "pending" and mail.outbox == []

    dispatch(NOON + reminders.REQUEUE_AFTER + timedelta(minutes=1))
    dispatch(NOON + reminders.REQUEUE_AFTER + timedelta(minutes=6))
    assert len(sent_to(on_plan.user.email)) == 1
    assert Delivery.objects.get().status == "sent"
