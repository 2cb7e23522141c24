"""Demo assessments for seed_demo: a baseline treadmill and cart test for every patient and
eight weeks of questionnaires that tell a story (pain easing, activities improving).

Safe to run twice: each kind of result is added only to patients who have none of it yet.
"""

from datetime import timedelta
from decimal import Decimal

from patients.dates import patient_today

from . import services
from .models import (
    Administration,
    QuestionnaireAssignment,
    SelfPacedWalkTest,
    ShoppingCartTest,
    TreadmillTest,
)
from .selectors import bundled_instrument

WEEKS = 8
ACTIVITIES = ("Walking to the shops", "Standing to cook a meal", "Gardening")


def _stage(*, onset_s, total_s, recovery_s, incline, reason, pain_start, pain_end, where):
    return {
        "speed": Decimal("1.2"),
        "speed_unit": "mph",
        "incline": Decimal(incline),
        "incline_unit": "percent",
        "onset_s": onset_s,
        "total_s": total_s,
        "stop_reason": reason,
        "pain_start": pain_start,
        "pain_end": pain_end,
        "recovery_s": recovery_s,
        "symptom_location": where,
    }


def _treadmill(patient, tester, *, on, index, retest=False):
    gain = 150 if retest else 0
    level_onset = min(120 + 20 * index + gain, 560)
    level_total = min(level_onset + 150, 600)
    fields = {"performed_on": on}
    stages = {
        "level": _stage(
            onset_s=level_onset,
            total_s=level_total,
            recovery_s=240 - 10 * index,
            incline="0",
            reason="time_limit" if level_total == 600 else "symptoms",
            pain_start=2,
            pain_end=6 if not retest else 4,
            where="buttock to calf",
        ),
        "incline": _stage(
            onset_s=None if index % 3 == 0 else min(level_onset + 200, 600),
            total_s=600,
            recovery_s=None if index % 3 == 0 else 90,
            incline="15",
            reason="time_limit",
            pain_start=2,
            pain_end=3,
            where="" if index % 3 == 0 else "calf",
        ),
    }
    for stage, values in stages.items():
        fields.update({f"{stage}_{name}": value for name, value in values.items()})
    services.walk_test_create(kind="treadmill", patient=patient, tester=tester, **fields)


def seed(*, clinic, staff, patients):
    services.bundled_instruments_load()
    nprs = bundled_instrument("nprs")
    psfs = bundled_instrument("psfs")
    sshq = bundled_instrument("sshq")
    for index, patient in enumerate(patients):
        tester = patient.primary_therapist
        today = patient_today(patient)
        baseline = today - timedelta(weeks=WEEKS)

        if not TreadmillTest.objects.filter(patient=patient).exists():
            _treadmill(patient, tester, on=baseline, index=index)
            if index % 2 == 0:
                _treadmill(patient, tester, on=today - timedelta(days=1), index=index, retest=True)

        if not ShoppingCartTest.objects.filter(patient=patient).exists():
            without_s = 150 + 15 * index
            services.walk_test_create(
                kind="cart",
                patient=patient,
                tester=tester,
                performed_on=baseline,
                support="cart",
                without_walk_s=without_s,
                without_onset_s=without_s - 60,
                without_pain_peak=6,
                with_walk_s=without_s * (2 if index % 4 else 1) + 60,
                with_onset_s=None,
                with_pain_peak=3,
                stoop_test="positive" if index % 2 else "not_done",
            )

        if not SelfPacedWalkTest.objects.filter(patient=patient).exists():
            for week, metres in ((0, 380 + 20 * index), (WEEKS, 520 + 30 * index)):
                services.walk_test_create(
                    kind="self-paced-walk",
                    patient=patient,
                    tester=tester,
                    performed_on=baseline + timedelta(weeks=week, days=-1 if week else 0),
                    distance=Decimal(metres),
                    distance_unit="m",
                    total_s=420 + 40 * week,
                    onset_s=200 + 25 * week,
                    stop_reason="symptoms",
                )

        if not Administration.objects.filter(patient=patient).exists():
            _questionnaires(patient, tester, nprs=nprs, psfs=psfs, sshq=sshq, index=index)

        if (
            patient.user_id
            and not QuestionnaireAssignment.objects.filter(
                patient=patient, instrument=nprs, status=QuestionnaireAssignment.Status.ACTIVE
            ).exists()
        ):
            services.assignment_create(
                patient=patient, instrument=nprs, assigned_by=tester, every_weeks=2
            )


def _questionnaires(patient, tester, *, nprs, psfs, sshq, index):
    today = patient_today(patient)
    start = today - timedelta(weeks=WEEKS)
    leg = [7, 7, 6, 5, 4] if index % 3 else [6, 6, 6, 5, 5]
    back = [5, 5, 4, 4, 3]
    for step, week in enumerate(range(0, WEEKS + 1, 2)):
        services.administration_create(
            patient=patient,
            instrument=nprs,
            given_by=tester,
            answers={"back": back[step], "leg": min(10, leg[step] + index % 2)},
            performed_on=start + timedelta(weeks=week),
        )
    for step, week in enumerate((0, 4, WEEKS)):
        ratings = [(2 + step * 2 + i) % 11 for i in range(len(ACTIVITIES))]
        services.administration_create(
            patient=patient,
            instrument=psfs,
            given_by=tester,
            answers={
                f"activity_{n}": {"activity": name, "rating": rating}
                for n, (name, rating) in enumerate(zip(ACTIVITIES, ratings, strict=True), 1)
            },
            performed_on=start + timedelta(weeks=week),
        )
    screen = [True, True, True, index % 2 == 0, True, False, False, False, False, index == 2]
    answers = {f"q{n}": value for n, value in enumerate(screen, 1)}
    answers.update(
        {
            f"red_flag_{sign}": False
            for sign in ("saddle", "bladder", "bowel", "weakness", "both_legs")
        }
    )
    services.administration_create(
        patient=patient, instrument=sshq, given_by=tester, answers=answers, performed_on=start
    )
