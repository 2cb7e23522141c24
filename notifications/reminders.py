"""Daily walk reminders and missed-logging nudges: who is due (the dispatch pass) and what
the email says.

The delivery row is the truth (one per recipient, kind and local date, by a unique
constraint). The dispatch pass decides who is due and inserts their rows in one statement
(the therapist digest's rows too, notifications.digest), then hands the pending ids to the
workers in one message (`tasks.deliveries_queue`), which queue one send task per row;
notifications.delivery re-checks the row and the patient through `reminder_message`,
sends, and marks the row sent, so a replayed task, a second beat or a worker killed
mid-send never sends the same email twice.
"""

from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.db.models import CharField, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf, StrIndex
from django.urls import reverse
from django.utils import timezone

from clinic.celery import enqueue_on_commit
from patients.models import Patient, WalkLog
from patients.rules import rules_for_patient
from programs.models import Plan

from . import digest, selectors
from .kinds import (
    REMINDER_RETRY,
    Message,
    Skip,
    absolute_url,
    deliveries_interrupted_resolve,
    register,
)
from .models import REMINDER_KINDS, Delivery
from .schedule import DEFAULT_NUDGE_DAYS, DEFAULT_REMIND_AT, DEFAULT_WEEKDAYS
from .unsubscribe import unsubscribe_token

# A pending row older than this was probably never queued (broker down, beat killed after
# commit): the next pass queues it again. Sending stays safe because the row is re-checked.
REQUEUE_AFTER = timedelta(minutes=10)

Kind = Delivery.Kind
Status = Delivery.Status
# The rows this pass looks after: every kind but red-flag alerts, which have a sweep of
# their own every minute (notifications.alerts).
PASS_KINDS = (*REMINDER_KINDS, Kind.INVITATION)


class _LocalNow(Func):
    """A moment read on the wall clock of the time zone an expression names, row by row
    (the patient's own or their clinic's): the reading schedule.local_now makes in Python.

    PostgreSQL converts with AT TIME ZONE; SQLite with the zoneinfo functions Django
    registers on each of its connections (the ones its own TruncDate uses).
    """

    arity = 2
    pg_template = ""
    sqlite_template = ""

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError("Reminder times are computed on PostgreSQL and SQLite only.")

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template=self.pg_template, arg_joiner=" AT TIME ZONE ", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django's functions take the connection's own time zone as a third argument.
        moment = self.copy()
        moment.set_source_expressions(
            [*self.get_source_expressions(), Value(connection.timezone_name)]
        )
        return Func.as_sql(moment, compiler, connection, template=self.sqlite_template, **extra)


class _LocalDate(_LocalNow):
    output_field = models.DateField()
    pg_template = "((%(expressions)s)::date)"
    sqlite_template = "django_datetime_cast_date(%(expressions)s)"


class _LocalTime(_LocalNow):
    output_field = models.TimeField()
    pg_template = "((%(expressions)s)::time)"
    sqlite_template = "django_datetime_cast_time(%(expressions)s)"


class _LocalIsoWeekday(_LocalNow):
    output_field = models.IntegerField()
    pg_template = "(EXTRACT(ISODOW FROM (%(expressions)s))::integer)"
    sqlite_template = "django_datetime_extract('iso_week_day', %(expressions)s)"


def _reminder_candidates(now: datetime):
    """Patients who may get a reminder now: in treatment, an active login, an active plan
    (at most one: programs' open-plan constraint), email reminders on (no preference row
    means the defaults, which are on), and past their reminder time in their own time zone.

    With what the rule of `_DUE` reads: the local date, whether it is a chosen weekday, the
    clinic's nudge days, the last log and the last nudge.
    """
    tz_name = Coalesce(NullIf("timezone", Value("")), "clinic__timezone")
    moment = Value(now, output_field=models.DateTimeField())
    return (
        Patient.objects.filter(
            status=Patient.Status.ACTIVE, user__is_active=True, plans__status=Plan.Status.ACTIVE
        )
        .exclude(reminder_preference__email_enabled=False)
        .annotate(
            remind_at=Coalesce("reminder_preference__remind_at", Value(DEFAULT_REMIND_AT)),
            local_time=_LocalTime(moment, tz_name),
        )
        .filter(local_time__gte=F("remind_at"))
        .annotate(
            plan_start=F("plans__start_date"),
            local_date=_LocalDate(moment, tz_name),
            # The position of today's ISO weekday digit in the chosen ones ("135"), 0 if none.
            chosen_day=StrIndex(
                Coalesce("reminder_preference__weekdays", Value(DEFAULT_WEEKDAYS)),
                Cast(_LocalIsoWeekday(moment, tz_name), CharField()),
            ),
            nudge_days=Coalesce(
                "clinic__clinical_settings__missed_log_nudge_days", Value(DEFAULT_NUDGE_DAYS)
            ),
            last_log=selectors.last_log_date(),
            last_nudge=Subquery(
                Delivery.objects.filter(patient=OuterRef("pk"), kind=Kind.MISSED)
                .order_by("-local_date")
                .values("local_date")[:1]
            ),
        )
        .values(
            "id",
            "user_id",
            "clinic_id",
            "plan_start",
            "local_date",
            "chosen_day",
            "nudge_days",
            "last_log",
            "last_nudge",
        )
    )


# Whole days from one date to a later one.
_DAYS_BETWEEN = {
    "postgresql": "({later} - {earlier})",
    "sqlite": "CAST(julianday({later}) - julianday({earlier}) AS INTEGER)",
}

# Which reminder each candidate is due, if any: the rule of schedule.missed_logging_date and
# schedule.daily_reminder_date, in SQL so that the pass decides and inserts in one statement
# (notifications/tests/test_reminder_rule.py holds the two to the same answers). The
# candidates are MATERIALIZED so that each correlated subquery runs once per patient, not
# once per mention.
_DUE = """
WITH candidate AS MATERIALIZED ({candidates}),
due AS (
    SELECT user_id, id AS patient_id, clinic_id, local_date, CASE
        -- The gentle nudge (docs/clinical-rules.md §7.7), after nudge_days without a log
        -- (since the plan started, when there is none), at most once every nudge_days
        -- days; it replaces that day's plain reminder: one email, not two.
        WHEN {days_since_log} >= nudge_days
            AND (last_nudge IS NULL OR {days_since_nudge} >= nudge_days) THEN %s
        -- The daily reminder on a chosen weekday, unless a walk is logged today. One
        -- reminder-type email a day per patient, whatever the kind: a day that had its
        -- nudge (an earlier pass) gets no plain reminder on top.
        WHEN chosen_day > 0
            AND (last_log IS NULL OR last_log <> local_date)
            AND (last_nudge IS NULL OR last_nudge <> local_date) THEN %s
    END AS kind
    FROM candidate
)
SELECT {columns} FROM due WHERE kind IS NOT NULL
"""


def _due_sql(now: datetime, columns: str) -> tuple[str, list]:
    """One SELECT of the reminders due now (user_id, patient_id, clinic_id, kind,
    local_date), with `columns` as its select list."""
    candidates, params = _reminder_candidates(now).query.sql_with_params()
    days = _DAYS_BETWEEN[connection.vendor].format
    sql = _DUE.format(
        candidates=candidates,
        days_since_log=days(later="local_date", earlier="COALESCE(last_log, plan_start)"),
        days_since_nudge=days(later="local_date", earlier="last_nudge"),
        columns=columns,
    )
    return sql, [*params, Kind.MISSED, Kind.DAILY]


_DUE_COLUMNS = ("user_id", "patient_id", "clinic_id", "kind", "local_date")


def _patient_rows(now: datetime) -> list[Delivery]:
    """The reminder and nudge rows due now, unsaved (the pass inserts them itself in one
    statement, `_patient_rows_insert`)."""
    sql, params = _due_sql(now, ", ".join(_DUE_COLUMNS))
    local_date = Delivery._meta.get_field("local_date")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            Delivery(
                user_id=user_id,
                patient_id=patient_id,
                clinic_id=clinic_id,
                kind=kind,
                local_date=local_date.to_python(day),  # SQLite gives the text of the date
                created_at=now,
            )
            for user_id, patient_id, clinic_id, kind, day in cursor.fetchall()
        ]


def _patient_rows_insert(now: datetime) -> list[int]:
    """Insert the reminder and nudge rows due now and return their ids, in one statement:
    INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING id. A row that exists already
    (an earlier pass, a second beat at the same moment) is left as it is and not returned:
    the unique constraint decides, as bulk_create(ignore_conflicts=True) let it before."""
    # Every other column as a new row has it (the model's defaults).
    fixed = {"channel": Delivery.Channel.EMAIL, "status": Status.PENDING, "attempts": 0}
    fixed |= {"last_error": "", "created_at": now}
    quote = connection.ops.quote_name
    values = [
        Delivery._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in fixed.items()
    ]
    select, params = _due_sql(now, ", ".join([*_DUE_COLUMNS, *["%s"] * len(fixed)]))
    insert = ", ".join(quote(name) for name in (*_DUE_COLUMNS, *fixed))
    sql = (
        f"INSERT INTO {quote(Delivery._meta.db_table)} ({insert}) {select}"
        " ON CONFLICT DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        # The fixed values are the last placeholders: the select list closes the statement.
        cursor.execute(sql, [*params, *values])
        return [row[0] for row in cursor.fetchall()]


def reminders_dispatch(now: datetime | None = None) -> list[int]:
    """Insert the delivery rows that are due and return the ids of rows to send.

    A fixed number of queries for any number of patients: the reminders and nudges are
    decided and inserted in one statement. Safe to run twice or from two beats at once: the
    unique row decides. Pending rows that were never queued (older than REQUEUE_AFTER:
    invitation emails among them) are queued again here too.

    The ids go to the workers on commit in one message (`tasks.deliveries_queue`, which
    queues one send task per row), through clinic.celery.enqueue_on_commit: one publish for
    the beat however many are due (#13: one per row made a pass for 10,000 patients take
    14 s), and a broker that is down fails neither the pass nor its rows, which wait for the
    next pass.
    """
    now = now or timezone.now()
    digest_rows = digest.digest_rows(now)
    with transaction.atomic():
        deliveries_interrupted_resolve(now, kinds=PASS_KINDS)
        ids = _patient_rows_insert(now)
        Delivery.objects.bulk_create(digest_rows, ignore_conflicts=True)
        ids += (
            Delivery.objects.filter(status=Status.PENDING, kind__in=PASS_KINDS)
            .filter(Q(kind=Kind.DIGEST, created_at=now) | Q(created_at__lt=now - REQUEUE_AFTER))
            .values_list("id", flat=True)
        )
        if ids:
            enqueue_on_commit("notifications.tasks.deliveries_queue", ids)
    return ids


def _reason_not_to_send(delivery: Delivery) -> str:
    """Why a pending reminder or nudge should no longer be sent, or "" to send it."""
    if not delivery.user.is_active:
        return "account deactivated"
    patient = delivery.patient
    preference = getattr(patient, "reminder_preference", None)
    if patient.status != Patient.Status.ACTIVE:
        return "patient discharged"
    if preference is not None and not preference.email_enabled:
        return "reminders turned off"
    if not Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE).exists():
        return "no active plan"
    logs = WalkLog.objects.filter(patient=patient, deleted_at__isnull=True)
    if delivery.kind == Kind.DAILY and logs.filter(date=delivery.local_date).exists():
        return "walk already logged"
    if delivery.kind == Kind.MISSED:
        days = selectors.nudge_days(patient.clinic_id)
        if logs.filter(date__gt=delivery.local_date - timedelta(days=days)).exists():
            return "walk logged since"
    return ""


def reminder_message(delivery: Delivery) -> Message:
    """The daily reminder or the missed-logging nudge, re-checked just before sending."""
    reason = _reason_not_to_send(delivery)
    if reason:
        raise Skip(reason)
    unsubscribe = reverse(
        "notifications:reminders-off", args=[unsubscribe_token(delivery.patient_id)]
    )
    url = absolute_url(unsubscribe)
    return Message(
        template="reminder_daily" if delivery.kind == Kind.DAILY else "reminder_missed",
        context={
            "clinic": delivery.clinic,
            "today_url": absolute_url(reverse("dashboard:today")),
            "unsubscribe_url": url,
            # docs/clinical-rules.md §7.7: the email says the patient's own pain target.
            "rules": rules_for_patient(delivery.patient),
        },
        unsubscribe_url=url,
    )


register(Delivery.Kind.DAILY, reminder_message, REMINDER_RETRY)
register(Delivery.Kind.MISSED, reminder_message, REMINDER_RETRY)
