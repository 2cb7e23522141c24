"""Demo walk logs for seed_demo: 8 weeks per patient with a login, safe to run twice.

Three stories a therapist recognises: walks getting longer with pain kept within +2
(improving), the same short walks with pain often over the target and a flare now and then
(stalled), and an improving patient who reported a red flag two days ago (open, alert sent).
The paper-diary patient gets two weeks of walks entered by the clinic. Random but fixed per
patient, so every run of the demo looks the same.
"""

import random
import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .dates import local_today
from .models import Patient, RedFlagReport, ReminderPreference, WalkLog

WEEKS = 8
IMPROVING, STALLED, RED_FLAG = "improving", "stalled", "red_flag"
STORIES = {
    "Pat Patient": IMPROVING,
    "Margaret Hill": STALLED,
    "George Okafor": RED_FLAG,
    "Rosa Lindqvist": IMPROVING,
    "Henry Baptiste": STALLED,
    "June Tanaka": IMPROVING,
    "Walter Novak": STALLED,
}
SIDES = {"left": ("left",), "right": ("right",), "both": ("left", "right")}


def seed(*, clinic, staff, patients) -> None:
    today = local_today(clinic.timezone)
    with transaction.atomic():
        for patient in patients:
            if WalkLog.objects.filter(patient=patient).exists():
                continue  # already seeded: a second run adds nothing
            # Repeatable made-up demo walks, not a secret.
            rng = random.Random(f"stride-demo-{patient.full_name}")  # noqa: S311
            if patient.user_id is None:
                logs = _paper_diary(patient, rng, today)
            else:
                logs = _eight_weeks(patient, STORIES.get(patient.full_name, IMPROVING), rng, today)
            WalkLog.objects.bulk_create(logs)
        for patient in patients:
            if patient.user_id and patient.full_name in ("Pat Patient", "Margaret Hill"):
                ReminderPreference.objects.get_or_create(
                    patient=patient,
                    defaults={"remind_at": time(9, 30), "weekdays": "12345", "large_text": False},
                )
            if STORIES.get(patient.full_name) == RED_FLAG:
                _open_red_flag(patient, today)


def _saved_at(patient: Patient, on: date, hour: int) -> datetime:
    at = datetime.combine(on, time(hour, 15), zoneinfo.ZoneInfo(patient.tz_name))
    return min(at, timezone.now())


def _areas(patient: Patient, rng: random.Random) -> list[str]:
    sides = SIDES.get(patient.affected_side, ("left",))
    areas = [f"buttock_{side}" for side in sides if rng.random() < 0.5]
    areas += [f"calf_{side}" for side in sides if rng.random() < 0.7]
    return areas or ["back"]


def _eight_weeks(patient: Patient, story: str, rng: random.Random, today: date) -> list:
    first = today - timedelta(weeks=WEEKS) + timedelta(days=1)
    logs = []
    for day in range(WEEKS * 7):
        on = first + timedelta(days=day)
        week = day // 7
        if on > today or rng.random() > (0.72 if story != STALLED else 0.55):
            continue
        if story == STALLED:
            bout = 4 + rng.choice([-1, -0.5, 0, 0, 0.5, 1])
            bouts, rise = 2, rng.choice([2, 3, 3, 4])
        else:
            bout = 4 + week * 1.1 + rng.choice([-0.5, 0, 0, 0.5])
            bouts, rise = (3 if week < 6 else 2), rng.choice([1, 2, 2, 2, 3])
            if story == RED_FLAG and week == WEEKS - 1:
                rise = rng.choice([3, 4])
        before = rng.choice([1, 2, 2, 3])
        peak = min(10, before + rise)
        after = before + (rng.choice([0, 1, 2]) if rise > 2 else rng.choice([0, 0, 1]))
        timer = rng.random() < 0.35
        walked = [round(bout * 60 + rng.randint(-20, 20)) for _ in range(bouts)]
        logs.append(
            WalkLog(
                patient=patient,
                date=on,
                start_time=time(rng.choice([8, 9, 10, 16, 17]), rng.choice([0, 15, 30, 45])),
                minutes=Decimal(sum(walked)) / 60,
                rests=bouts - 1,
                pain_before=before,
                pain_peak=peak,
                pain_after=min(10, after),
                symptom_areas=_areas(patient, rng),
                tingling=rng.random() < 0.4,
                support=rng.choice(["none", "none", "none", "poles", "cart"]),
                terrain=rng.choice(["flat", "flat", "flat", "uphill", "treadmill"]),
                glides_before=rng.random() < 0.7,
                glides_after=rng.random() < 0.5,
                flare_next_day=story == STALLED and rng.random() < 0.15,
                source=WalkLog.Source.TIMER if timer else WalkLog.Source.FORM,
                bouts=(
                    [
                        {
                            "walked_s": seconds,
                            "rested_s": 90 if i < bouts - 1 else 0,
                            "peak_pain": peak if i == bouts - 1 else max(before, peak - 1),
                        }
                        for i, seconds in enumerate(walked)
                    ]
                    if timer
                    else []
                ),
                client_id=f"demo-{patient.pk}-{day}" if timer else "",
                created_by=patient.user,
                created_at=_saved_at(patient, on, 19),
            )
        )
    for log in logs:
        log.minutes = log.minutes.quantize(Decimal("0.1"))
    return logs


def _paper_diary(patient: Patient, rng: random.Random, today: date) -> list:
    logs = []
    for day in range(14, 0, -1):
        on = today - timedelta(days=day)
        if rng.random() > 0.6:
            continue
        before = rng.choice([2, 3])
        logs.append(
            WalkLog(
                patient=patient,
                date=on,
                minutes=Decimal(rng.choice([6, 8, 9, 10])),
                rests=2,
                pain_before=before,
                pain_peak=before + rng.choice([1, 2, 3]),
                pain_after=None,  # the paper diary has no column for it
                support="walker",
                source=WalkLog.Source.CLINIC,
                created_by=patient.primary_therapist,
                created_at=_saved_at(patient, on + timedelta(days=1), 11),
            )
        )
    return logs


def _open_red_flag(patient: Patient, today: date) -> None:
    if RedFlagReport.objects.filter(patient=patient).exists():
        return
    reported = _saved_at(patient, today - timedelta(days=2), 18)
    source = (
        WalkLog.objects.filter(patient=patient, date__lte=reported.date())
        .order_by("-date", "-id")
        .first()
    )
    RedFlagReport.objects.create(
        patient=patient,
        signs=[RedFlagReport.Sign.BOTH_LEGS],
        reported_at=reported,
        reported_by=patient.user,
        source_log=source,
        # Seeded, not sent: the demo must not email anyone, and the sweep leaves it alone.
        alert_sent_at=reported + timedelta(minutes=1),
    )
