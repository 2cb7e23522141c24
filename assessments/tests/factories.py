"""Assessment factories. Results are valid by default; override fields to build edge cases.

ODI and ZCQ definitions here use synthetic texts only: the real item wording is licensed.
"""

import datetime
from decimal import Decimal

import factory

from assessments.engine import FORMAT
from assessments.models import (
    Administration,
    Instrument,
    QuestionnaireAssignment,
    SelfPacedWalkTest,
    ShoppingCartTest,
    TreadmillTest,
)
from patients.tests.factories import PatientFactory


def bundled(code: str) -> Instrument:
    return Instrument.objects.get(clinic__isnull=True, bundled=True, code=code)


def _tester(result):
    return result.patient.primary_therapist


class TreadmillTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreadmillTest

    patient = factory.SubFactory(PatientFactory)
    tester = factory.LazyAttribute(_tester)
    performed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    level_speed = Decimal("1.2")
    level_speed_unit = "mph"
    level_incline = Decimal("0")
    level_incline_unit = "percent"
    level_onset_s = 150
    level_total_s = 420
    level_stop_reason = "symptoms"
    level_pain_start = 2
    level_pain_end = 6
    level_recovery_s = 300
    level_symptom_location = "left buttock to calf"
    incline_speed = Decimal("1.2")
    incline_speed_unit = "mph"
    incline_incline = Decimal("15")
    incline_incline_unit = "percent"
    incline_onset_s = 400
    incline_total_s = 600
    incline_stop_reason = "time_limit"
    incline_pain_start = 2
    incline_pain_end = 4
    incline_recovery_s = 120
    incline_symptom_location = "left calf"


class ShoppingCartTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShoppingCartTest

    patient = factory.SubFactory(PatientFactory)
    tester = factory.LazyAttribute(_tester)
    performed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    support = "cart"
    without_walk_s = 180
    without_onset_s = 90
    without_pain_peak = 6
    with_walk_s = 420
    with_onset_s = 300
    with_pain_peak = 3


class SelfPacedWalkTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfPacedWalkTest

    patient = factory.SubFactory(PatientFactory)
    tester = factory.LazyAttribute(_tester)
    performed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    distance = Decimal("420")
    distance_unit = "m"
    total_s = 480
    onset_s = 200
    stop_reason = "symptoms"


class AdministrationFactory(factory.django.DjangoModelFactory):
    """A pain rating (bundled NPRS) given in clinic."""

    class Meta:
        model = Administration

    patient = factory.SubFactory(PatientFactory)
    instrument = factory.LazyFunction(lambda: bundled("nprs"))
    given_by = factory.LazyAttribute(_tester)
    source = "clinic"
    performed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    answers = factory.LazyFunction(lambda: {"back": 4, "leg": 6})
    scores = factory.LazyFunction(lambda: {"back": 4, "leg": 6})


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionnaireAssignment

    patient = factory.SubFactory(PatientFactory)
    instrument = factory.LazyFunction(lambda: bundled("nprs"))
    assigned_by = factory.LazyAttribute(lambda a: a.patient.primary_therapist)
    every_weeks = 2
    next_due = factory.LazyFunction(datetime.date.today)


def synthetic_odi(**overrides) -> dict:
    """An ODI-shaped definition with made-up texts (never the licensed wording)."""
    definition = {
        "format": FORMAT,
        "code": "odi",
        "version": "2.1a",
        "title": "Synthetic disability index",
        "scoring_rule": "odi",
        "licence_note": "Test licence note.",
        "items": [
            {
                "key": f"s{n}",
                "text": f"Synthetic section {n}",
                "options": [
                    {"value": v, "label": f"Synthetic statement {n}.{v}"} for v in range(6)
                ],
            }
            for n in range(1, 11)
        ],
    }
    definition.update(overrides)
    return definition


def synthetic_zcq(*, satisfaction: bool = True, **overrides) -> dict:
    """A ZCQ-shaped definition with made-up texts."""
    parts = [("severity", 7, 1, 5), ("function", 5, 1, 4)]
    if satisfaction:
        parts.append(("satisfaction", 6, 1, 4))
    items = [
        {
            "key": f"{group}_{n}",
            "group": group,
            "text": f"Synthetic {group} question {n}",
            "options": [
                {"value": v, "label": f"Synthetic answer {v}"} for v in range(low, high + 1)
            ],
        }
        for group, count, low, high in parts
        for n in range(1, count + 1)
    ]
    definition = {
        "format": FORMAT,
        "code": "zcq",
        "version": "1",
        "title": "Synthetic claudication questionnaire",
        "scoring_rule": "zcq",
        "items": items,
    }
    definition.update(overrides)
    return definition
