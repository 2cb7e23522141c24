"""The reminder pass for 10,000 due patients against its floor, on a real Redis broker.

One bench clinic, 10,000 patients on active plans whose reminder time (00:00) has passed,
each with a walk log on each of the last 7 days and last week's daily reminders (sent),
so that the pass's subqueries and the delivery table's unique index have real rows to
look through. The history is re-dated at each start (the last log is yesterday), so every
run has the same 10,000 daily reminders due. The planner's statistics are refreshed after
seeding.

Project: `notifications.reminders.reminders_dispatch`, publishing to redis://127.0.0.1:6379/3
(a queue nobody consumes, purged between runs): the due decision, the insert, the digest
and what it hands to the workers. Floor: one raw INSERT ... SELECT ... ON CONFLICT DO
NOTHING RETURNING id of the same 10,000 rows, then 10,000 small messages through one
redis-py pipeline. Between runs (untimed) the rows the run made are deleted and the queue
purged, so each run starts with 10,000 due.

Timed interleaved (A, B, B, A ...). `common.against_floor` times the whole call, which would
put the reset inside both figures, so the loop below is the same one with the reset outside
the clock; the against_floor figure (reset inside) is printed too. Also printed: the pass's
query count, what it published, and what the workers then do to queue one send per row
(`tasks.deliveries_queue`, off the pass).

Target (DESIGN.md): ratio <= 1.5.
"""

import base64
import json
import statistics
import time as clock
from datetime import time, timedelta
from decimal import Decimal

from common import against_floor, analyze, count_queries, report, report_against_floor, setup

PATIENTS = 10_000
HISTORY_DAYS = 7
RUNS = 5
REDIS_URL = "redis://127.0.0.1:6379/3"
QUEUE = "bench-reminders"
FLOOR_QUEUE = "bench-reminders-floor"


def seed():
    from clinic.models import Clinic, Role, User
    from patients.models import Patient, ReminderPreference
    from programs.models import Plan

    clinic, _ = Clinic.objects.get_or_create(name="Bench Reminders", defaults={"phone": "1"})
    therapist, _ = User.objects.get_or_create(
        email="bench.reminders@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic},
    )
    have = Patient.objects.filter(clinic=clinic).count()
    if have < PATIENTS:
        users = User.objects.bulk_create(
            User(email=f"bench.r{i}@example.org", role=Role.PATIENT, clinic=clinic)
            for i in range(have, PATIENTS)
        )
        patients = Patient.objects.bulk_create(
            Patient(clinic=clinic, user=u, primary_therapist=therapist, full_name=u.email)
            for u in users
        )
        Plan.objects.bulk_create(
            Plan(
                patient=p,
                name="Walking",
                start_date=_today() - timedelta(days=30),
                baseline_minutes=Decimal(6),
                sessions_per_week=5,
                bouts_per_session=3,
                bout_minutes=Decimal(6),
                created_by=therapist,
            )
            for p in patients
        )
        ReminderPreference.objects.bulk_create(
            ReminderPreference(patient=p, remind_at=time(0, 0)) for p in patients
        )
    _history(clinic, therapist)
    return clinic


def _today():
    from django.utils import timezone

    return timezone.now().date()


def _history(clinic, therapist) -> None:
    """Walk logs on each of the last HISTORY_DAYS days and last week's daily reminders,
    dated from today (logs shifted, deliveries made anew)."""
    from django.db import connection

    today = _today()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(w.date) FROM patients_walklog w"
            " JOIN patients_patient p ON p.id = w.patient_id WHERE p.clinic_id = %s",
            [clinic.pk],
        )
        count, latest = cursor.fetchone()
        if count < PATIENTS * HISTORY_DAYS:
            cursor.execute(
                "DELETE FROM patients_walklog w USING patients_patient p"
                " WHERE p.id = w.patient_id AND p.clinic_id = %s",
                [clinic.pk],
            )
            cursor.execute(
                """
                INSERT INTO patients_walklog (patient_id, date, minutes, rests, pain_before,
                    pain_peak, pain_after, symptom_areas, tingling, support, terrain,
                    glides_before, glides_after, flare_next_day, note, source, bouts,
                    client_id, created_by_id, created_at, updated_at)
                SELECT p.id, %s::date - d, 8.0, 1, 2, 4, 2, '[]', false, 'none', 'flat',
                    false, false, false, '', 'form', '[]', '', p.user_id, now(), now()
                FROM patients_patient p, generate_series(1, %s) AS d
                WHERE p.clinic_id = %s
                """,
                [today, HISTORY_DAYS, clinic.pk],
            )
        elif latest != today - timedelta(days=1):
            cursor.execute(
                "UPDATE patients_walklog w SET date = w.date + %s FROM patients_patient p"
                " WHERE p.id = w.patient_id AND p.clinic_id = %s",
                [(today - timedelta(days=1) - latest).days, clinic.pk],
            )
        cursor.execute("DELETE FROM programs_emaildelivery WHERE clinic_id = %s", [clinic.pk])
        cursor.execute(
            """
            INSERT INTO programs_emaildelivery (user_id, patient_id, clinic_id, channel, kind,
                local_date, status, attempts, last_error, created_at, sent_at)
            SELECT p.user_id, p.id, p.clinic_id, 'email', 'daily', %s::date - d, 'sent', 1,
                '', now() - make_interval(days => d), now() - make_interval(days => d)
            FROM patients_patient p, generate_series(1, %s) AS d
            WHERE p.clinic_id = %s
            """,
            [today, HISTORY_DAYS, clinic.pk],
        )


def _task_args(raw: bytes):
    """The first argument of a task message as kombu's Redis transport stores it."""
    return json.loads(base64.b64decode(json.loads(raw)["body"]))[0][0]


def _interleaved(project, floor, reset, *, runs: int, warmup: int = 1) -> dict:
    """common.against_floor's loop, with `reset()` before each call and off the clock."""
    for _ in range(warmup):
        for fn in (project, floor):
            reset()
            fn()
    samples = {project: [], floor: []}
    for i in range(runs):
        for fn in (project, floor) if i % 2 == 0 else (floor, project):
            reset()
            start = clock.perf_counter()
            fn()
            samples[fn].append((clock.perf_counter() - start) * 1000)

    def summary(values):
        values = sorted(values)
        return {
            "median_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 1),
        }

    mine, base = summary(samples[project]), summary(samples[floor])
    ratio = round(mine["median_ms"] / base["median_ms"], 2)
    return {"project": mine, "floor": base, "ratio": ratio}


def main():
    setup()
    import redis
    from django.db import connection
    from django.utils import timezone

    from clinic.celery import app
    from notifications import reminders
    from notifications.models import Delivery
    from notifications.tasks import deliveries_queue

    clinic = seed()
    analyze()
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=QUEUE)
    app._pool = None
    broker = redis.Redis.from_url(REDIS_URL)
    today = _today()

    def reset():
        Delivery.objects.filter(clinic=clinic, local_date=today).delete()
        broker.delete(QUEUE, FLOOR_QUEUE)

    def project():
        return reminders.reminders_dispatch(timezone.now())

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO programs_emaildelivery (user_id, patient_id, clinic_id, channel,
                    kind, local_date, status, attempts, last_error, created_at)
                SELECT user_id, id, clinic_id, 'email', 'daily', %s, 'pending', 0, '', %s
                FROM patients_patient WHERE clinic_id = %s
                ON CONFLICT DO NOTHING RETURNING id
                """,
                [today, timezone.now(), clinic.pk],
            )
            ids = [row[0] for row in cursor.fetchall()]
        pipe = broker.pipeline(transaction=False)
        for delivery_id in ids:
            pipe.lpush(FLOOR_QUEUE, json.dumps({"delivery_id": delivery_id}))
        pipe.execute()
        return ids

    # One pass, checked and counted: every patient due, what it published, its queries.
    reset()
    with count_queries() as queries:
        queued = project()
    published = broker.llen(QUEUE)
    assert len(queued) == PATIENTS, len(queued)
    [handout] = [_task_args(m) for m in broker.lrange(QUEUE, 0, -1)]
    assert sorted(handout) == sorted(queued)
    broker.delete(QUEUE)
    # What the workers do with it, off the pass: split it, then one send task per row.
    start = clock.perf_counter()
    deliveries_queue.run(handout)
    chunks = [_task_args(m) for m in broker.lrange(QUEUE, 0, -1)]
    broker.delete(QUEUE)
    split_ms = (clock.perf_counter() - start) * 1000
    start = clock.perf_counter()
    for chunk in chunks:
        deliveries_queue.run(chunk)
    chunks_ms = (clock.perf_counter() - start) * 1000
    sends = broker.llen(QUEUE)
    reset()
    floor_ids = floor()
    assert len(floor_ids) == PATIENTS and broker.llen(FLOOR_QUEUE) == PATIENTS

    figures = _interleaved(project, floor, reset, runs=RUNS)
    report_against_floor(
        f"reminder pass, {PATIENTS:,} due patients, real Redis (reset off the clock)",
        figures,
        target="ratio <= 1.5",
        queries=len(queries),
        published=published,
    )

    def project_and_reset():
        reset()
        project()

    def floor_and_reset():
        reset()
        floor()

    inside = against_floor(project_and_reset, floor_and_reset, runs=RUNS, warmup=1)
    report_against_floor("same, common.against_floor (reset inside both)", inside)
    report(
        "workers, after the pass (not in its time)",
        {
            "split_ms": round(split_ms),
            "chunks": len(chunks),
            "chunks_total_ms": round(chunks_ms),
            "chunk_ms": round(chunks_ms / len(chunks)),
            "send_tasks_queued": sends,
        },
    )
    reset()


if __name__ == "__main__":
    main()
