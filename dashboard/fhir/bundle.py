"""The FHIR R4 Bundle of one patient's record, as plain JSON-ready dicts.

What goes in: an Organization (the clinic), a Practitioner for each clinician the record
names (the primary therapist, testers, the plan's author), the Patient, an Observation per
live walk log, per current walk test (Two-Stage Treadmill, Shopping Cart, Self-Paced Walk)
and per current questionnaire, and a CarePlan for the current plan. Each entry's fullUrl is
a urn:uuid and every reference points at one of them, so the Bundle reads on its own.

Codes: LOINC where one exists and was checked (pain severity 0-10 72514-3, exercise
duration 55411-3), Stride's own code system otherwise. Stride owns no domain, so its
systems are URNs under `urn:stride` (STRIDE below) rather than web addresses someone else
could come to own.
"""

import uuid
import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from assessments.models import Administration, Instrument, StopReason
from assessments.registry import WALK_TESTS
from patients.models import WalkLog
from programs.models import Plan, PlanExercise, Slot
from programs.schedule import describe_weekly, plan_week_end, plan_week_start

from .record import PatientRecord

STRIDE = "urn:stride"
OBSERVATION_CODES = f"{STRIDE}:observation"  # Stride's code system for what it measures
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# LOINC codes in use, each looked up before it was used; anything else is Stride's own code.
PAIN_SEVERITY = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
EXERCISE_DURATION = ("55411-3", "Exercise duration")

# Fixed for ever: the resource ids of an export are uuid5 names in it, so exporting the same
# record twice gives the same ids (a receiving system can tell an update from a new record).
_ID_NAMESPACE = uuid.UUID("3c9a6588-d8b7-4f8d-b7df-32213eaf8f84")

_STAGES = {"level": "Level stage", "incline": "Inclined stage"}
_CART_WALKS = {"without": "Without support", "with": "With support"}
_STAGE_FIELDS = {
    "speed": "speed",
    "incline": "incline",
    "onset": "time to first symptoms",
    "total": "total walking time",
    "stop": "stopped because",
    "pain-start": "pain at the start",
    "pain-end": "pain at the end",
    "recovery": "recovery time",
    "location": "where symptoms were",
}
_CART_FIELDS = {
    "walk": "walking time",
    "distance": "distance",
    "onset": "time to first symptoms",
    "pain-peak": "worst pain",
}

# Stride's code system: every code `_stride()` writes without a display of its own.
CODES: dict[str, str] = {
    "walk-log": "Walk log",
    "walk-minutes": "Minutes walked",
    "walk-distance": "Distance walked",
    "walk-steps": "Steps",
    "walk-rests": "Number of rests",
    "pain-before-walk": "Pain before the walk (0-10)",
    "pain-peak-walk": "Worst pain during the walk (0-10)",
    "pain-after-rest": "Pain after resting (0-10)",
    "symptom-area": "Where symptoms were",
    "tingling": "Tingling or numbness",
    "walking-support": "Support used",
    "terrain": "Terrain",
    "glides-before": "Nerve glides before the walk",
    "glides-after": "Nerve glides after the walk",
    "flare-next-day": "Symptoms flared the day after the previous walk",
    "treadmill-test": "Two-Stage Treadmill Test",
    **{
        f"treadmill-{stage}-{field}": f"{stage_label}: {field_label}"
        for stage, stage_label in _STAGES.items()
        for field, field_label in _STAGE_FIELDS.items()
    },
    "cart-test": "Shopping Cart Test",
    "cart-support": "Support used",
    "cart-patient-height": "Patient height",
    "cart-handle-height": "Handle height",
    "cart-stoop-test": "Stoop test",
    **{
        f"cart-{walk}-{field}": f"{walk_label}: {field_label}"
        for walk, walk_label in _CART_WALKS.items()
        for field, field_label in _CART_FIELDS.items()
    },
    "self-paced-walk-test": "Self-Paced Walking Test",
    "self-paced-walk-distance": "Distance walked",
    "self-paced-walk-total": "Total walking time",
    "self-paced-walk-onset": "Time to first symptoms",
    "self-paced-walk-stop": "Stopped because",
    "interpretation": "Stride's interpretation",
    **{f"questionnaire-{rule.value}": rule.label for rule in Instrument.Rule},
    "walking-programme": "Walking programme",
}

# UCUM for the units Stride stores.
_UCUM = {
    "mph": ("[mi_i]/h", "mph"),
    "kmh": ("km/h", "km/h"),
    "percent": ("%", "% grade"),
    "degrees": ("deg", "degrees"),
    "m": ("m", "m"),
    "km": ("km", "km"),
    "ft": ("[ft_i]", "ft"),
    "mi": ("[mi_i]", "mi"),
    "cm": ("cm", "cm"),
    "in": ("[in_i]", "in"),
    "s": ("s", "s"),
    "min": ("min", "min"),
    "%": ("%", "%"),
    "score": ("{score}", "score"),
}
_PLAN_STATUS = {
    Plan.Status.ACTIVE: ("active", "in-progress"),
    Plan.Status.PAUSED: ("on-hold", "on-hold"),
    Plan.Status.ENDED: ("completed", "completed"),
}


class _Entries:
    """The Bundle's entries by resource type, each added once under its Stride identifier."""

    ORDER = ("Organization", "Practitioner", "Patient", "Observation", "CarePlan")

    def __init__(self):
        self.by_type: dict[str, list] = {name: [] for name in self.ORDER}
        self.urls: dict[str, str] = {}

    def add(self, resource_type: str, identifier: dict, resource: dict) -> dict:
        """Add the resource unless it is already in; returns a reference to it."""
        key = f"{identifier['system']}|{identifier['value']}"
        if key not in self.urls:
            resource_id = str(uuid.uuid5(_ID_NAMESPACE, key))
            self.urls[key] = f"urn:uuid:{resource_id}"
            body = {"resourceType": resource_type, "id": resource_id, "identifier": [identifier]}
            self.by_type[resource_type].append(
                {"fullUrl": self.urls[key], "resource": {**body, **resource}}
            )
        return {"reference": self.urls[key]}

    def all(self) -> list[dict]:
        return [entry for name in self.ORDER for entry in self.by_type[name]]


def clinic_system(clinic_id: int, kind: str) -> str:
    """The identifier system of one clinic's records of a kind (patient, walk-log, ...)."""
    return f"{STRIDE}:clinic:{clinic_id}:{kind}"


def _number(value) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def _stride(code: str, display: str | None = None) -> dict:
    return _coding(OBSERVATION_CODES, code, display or CODES[code])


def _concept(*codings: dict, text: str | None = None) -> dict:
    return {"coding": list(codings), "text": text or codings[-1]["display"]}


def _quantity(value, unit: str) -> dict:
    code, label = _UCUM[unit]
    return {"value": _number(value), "unit": label, "system": UCUM, "code": code}


def _category(code: str, display: str) -> list[dict]:
    return [{"coding": [_coding(CATEGORIES, code, display)]}]


def _component(code: str, value) -> dict | None:
    """A component with Stride's code; `value` is a dict such as {"valueInteger": 3}."""
    return None if value is None else {"code": _concept(_stride(code)), **value}


def _pain(code: str, value: int | None) -> dict | None:
    """A 0-10 pain rating: LOINC pain severity, with Stride's code saying which moment."""
    if value is None:
        return None
    return {"code": _concept(_coding(LOINC, *PAIN_SEVERITY), _stride(code)), "valueInteger": value}


def _amount(code: str, value, unit: str) -> dict | None:
    return _component(code, None if value is None else {"valueQuantity": _quantity(value, unit)})


def _choice(code: str, system_kind: str, value: str, label: str) -> dict | None:
    if not value:
        return None
    concept = _concept(_coding(f"{STRIDE}:{system_kind}", value, label))
    return _component(code, {"valueCodeableConcept": concept})


def _text(code: str, value: str) -> dict | None:
    return _component(code, {"valueString": value} if value else None)


class _Builder:
    """Builds one patient's Bundle; times in the patient's time zone."""

    def __init__(self, record: PatientRecord):
        self.record = record
        self.patient = record.patient
        self.clinic_id = self.patient.clinic_id
        self.tz = zoneinfo.ZoneInfo(self.patient.tz_name)
        self.entries = _Entries()
        self.organization = self._organization()
        self.patient_ref = self._patient()

    # Times: instants carry their offset; local dates stay dates (a walk without a start time).
    def instant(self, moment: datetime) -> str:
        return moment.astimezone(self.tz).isoformat(timespec="seconds")

    def local(self, day: date, at=None) -> str:
        if at is None:
            return day.isoformat()
        return datetime.combine(day, at, tzinfo=self.tz).isoformat(timespec="seconds")

    def system(self, kind: str) -> str:
        return clinic_system(self.clinic_id, kind)

    def _organization(self) -> dict:
        clinic = self.patient.clinic
        resource = {"name": clinic.name}
        if clinic.phone:
            resource["telecom"] = [{"system": "phone", "value": clinic.phone}]
        identifier = {"system": f"{STRIDE}:clinic", "value": str(clinic.pk)}
        return self.entries.add("Organization", identifier, resource)

    def practitioner(self, user) -> dict:
        """A clinician of the clinic: a name only (no email; the record does not need it)."""
        resource = {"name": [{"text": user.full_name}]} if user.full_name else {}
        identifier = {"system": self.system("staff"), "value": str(user.pk)}
        return self.entries.add("Practitioner", identifier, resource)

    def _patient(self) -> dict:
        patient = self.patient
        resource = {
            "name": [{"text": patient.full_name}],
            "managingOrganization": self.organization,
            # The primary therapist is the patient's nominated care provider in Stride.
            "generalPractitioner": [self.practitioner(patient.primary_therapist)],
        }
        if patient.date_of_birth:
            resource["birthDate"] = patient.date_of_birth.isoformat()
        identifier = {"system": self.system("patient"), "value": str(patient.pk)}
        return self.entries.add("Patient", identifier, resource)

    def observation(self, kind: str, pk: int, *, components: list, **fields) -> None:
        resource = {
            "status": "final",
            **fields,
            "subject": self.patient_ref,
            "component": [c for c in components if c is not None],
        }
        self.entries.add("Observation", {"system": self.system(kind), "value": str(pk)}, resource)

    # --- Walk logs ---------------------------------------------------------------------

    def walk_log(self, log: WalkLog) -> None:
        duration = _concept(_coding(LOINC, *EXERCISE_DURATION), _stride("walk-minutes"))
        components = [
            {"code": duration, "valueQuantity": _quantity(log.minutes, "min")},
            _amount("walk-distance", log.distance_m, "m"),
            _component("walk-steps", None if log.steps is None else {"valueInteger": log.steps}),
            _component("walk-rests", {"valueInteger": log.rests}),
            _pain("pain-before-walk", log.pain_before),
            _pain("pain-peak-walk", log.pain_peak),
            _pain("pain-after-rest", log.pain_after),
            *(
                _choice("symptom-area", "symptom-area", area, label)
                for area, label in zip(log.symptom_areas, log.symptom_area_labels(), strict=True)
            ),
            _component("tingling", {"valueBoolean": log.tingling}),
            _choice("walking-support", "walking-support", log.support, log.get_support_display()),
            _choice("terrain", "terrain", log.terrain, log.get_terrain_display()),
            _component("glides-before", {"valueBoolean": log.glides_before}),
            _component("glides-after", {"valueBoolean": log.glides_after}),
            _component("flare-next-day", {"valueBoolean": log.flare_next_day}),
        ]
        fields = {"note": [{"text": log.note}]} if log.note else {}
        self.observation(
            "walk-log",
            log.pk,
            category=_category("activity", "Activity"),
            code=_concept(_stride("walk-log")),
            effectiveDateTime=self.local(log.date, log.start_time),
            issued=self.instant(log.created_at),
            # Walks are reported by the patient, also when staff typed in a paper diary.
            performer=[self.patient_ref],
            components=components,
            **fields,
        )

    # --- Walk tests --------------------------------------------------------------------

    def walk_test(self, kind, result, code: str, components: list) -> None:
        fields = {"note": [{"text": result.note}]} if result.note else {}
        headline = getattr(getattr(result, "interpretation", None), "headline", "")
        if headline:
            fields["interpretation"] = [{"text": headline}]
        self.observation(
            kind.slug,
            result.root_id,  # a correction keeps the identity of the result it corrects
            status="corrected" if result.is_correction else "final",
            category=_category("exam", "Exam"),
            code=_concept(_stride(code), text=kind.title),
            effectiveDateTime=self.local(result.performed_on),
            issued=self.instant(result.created_at),
            performer=[self.practitioner(result.tester)],
            components=components,
            **fields,
        )

    def treadmill(self, kind, test) -> None:
        components = []
        for stage in test.STAGES:
            values = test.stage(stage)
            prefix = f"treadmill-{stage}"
            components += [
                _amount(f"{prefix}-speed", values["speed"], values["speed_unit"]),
                _amount(f"{prefix}-incline", values["incline"], values["incline_unit"]),
                _amount(f"{prefix}-onset", values["onset_s"], "s"),
                _amount(f"{prefix}-total", values["total_s"], "s"),
                _stop_reason(f"{prefix}-stop", values["stop_reason"]),
                _pain(f"{prefix}-pain-start", values["pain_start"]),
                _pain(f"{prefix}-pain-end", values["pain_end"]),
                _amount(f"{prefix}-recovery", values["recovery_s"], "s"),
                _text(f"{prefix}-location", values["symptom_location"]),
            ]
        self.walk_test(kind, test, "treadmill-test", components)

    def cart(self, kind, test) -> None:
        components = [
            _choice("cart-support", "walking-support", test.support, test.get_support_display()),
            _amount("cart-patient-height", test.patient_height, test.height_unit),
            _amount("cart-handle-height", test.handle_height, test.height_unit),
        ]
        for walk in test.WALKS:
            values = test.walk(walk)
            components += [
                _amount(f"cart-{walk}-walk", values["walk_s"], "s"),
                _amount(f"cart-{walk}-distance", values["distance"], test.distance_unit),
                _amount(f"cart-{walk}-onset", values["onset_s"], "s"),
                _pain(f"cart-{walk}-pain-peak", values["pain_peak"]),
            ]
        if test.stoop_test != test.Stoop.NOT_DONE:
            components.append(
                _choice(
                    "cart-stoop-test", "stoop-test", test.stoop_test, test.get_stoop_test_display()
                )
            )
        self.walk_test(kind, test, "cart-test", components)

    def self_paced_walk(self, kind, test) -> None:
        components = [
            _amount("self-paced-walk-distance", test.distance, test.distance_unit),
            _amount("self-paced-walk-total", test.total_s, "s"),
            _amount("self-paced-walk-onset", test.onset_s, "s"),
            _stop_reason("self-paced-walk-stop", test.stop_reason),
        ]
        self.walk_test(kind, test, "self-paced-walk-test", components)

    # --- Questionnaires ----------------------------------------------------------------

    def questionnaire(self, administration: Administration) -> None:
        instrument = administration.instrument
        rule = instrument.scoring_rule
        by_patient = administration.source == Administration.Source.PATIENT
        self.observation(
            "questionnaire",
            administration.root_id,
            status="corrected" if administration.is_correction else "final",
            category=_category("survey", "Survey"),
            code=_concept(
                _stride(f"questionnaire-{rule}"),
                text=f"{instrument.display_title} ({instrument.version})",
            ),
            effectiveDateTime=self.local(administration.performed_on),
            issued=self.instant(administration.created_at),
            performer=[
                self.patient_ref if by_patient else self.practitioner(administration.given_by)
            ],
            components=[
                # By name: the database may hand JSON keys back in any order.
                _score(rule, key, value)
                for key, value in sorted((administration.scores or {}).items())
            ],
        )

    # --- Plan --------------------------------------------------------------------------

    def care_plan(self, plan: Plan, exercises: list[PlanExercise]) -> None:
        status, activity_status = _PLAN_STATUS[plan.status]
        end = plan_week_end(plan.start_date, plan.weeks)
        if plan.status == Plan.Status.ENDED and plan.ended_at:
            end = plan.ended_at.astimezone(self.tz).date()
        walking = {
            "code": _concept(_stride("walking-programme")),
            "status": activity_status,
            "scheduledTiming": {
                "repeat": {"frequency": plan.sessions_per_week, "period": 1, "periodUnit": "wk"}
            },
            "description": describe_weekly(plan),
        }
        if plan.status == Plan.Status.PAUSED and plan.pause_reason:
            walking["statusReason"] = {"text": plan.pause_reason}
        resource = {
            "status": status,
            "intent": "plan",
            "title": plan.name,
            "subject": self.patient_ref,
            "period": {"start": plan.start_date.isoformat(), "end": end.isoformat()},
            "created": self.instant(plan.created_at),
            "author": self.practitioner(plan.created_by),
            "activity": [
                {"detail": walking},
                *({"detail": self._exercise(plan, item, activity_status)} for item in exercises),
            ],
        }
        self.entries.add(
            "CarePlan", {"system": self.system("plan"), "value": str(plan.pk)}, resource
        )

    def _exercise(self, plan: Plan, item: PlanExercise, status: str) -> dict:
        last_week = min(item.week_to, plan.weeks)
        weeks = {
            "start": plan_week_start(plan.start_date, item.week_from).isoformat(),
            "end": plan_week_end(plan.start_date, last_week).isoformat(),
        }
        repeat: dict = {"boundsPeriod": weeks}
        if item.slot == Slot.DAILY:
            repeat.update(frequency=item.times_per_day, period=1, periodUnit="d")
        elif item.slot == Slot.WEEKLY:
            repeat.update(frequency=1, period=1, periodUnit="wk")
        exercise = item.exercise
        code = _coding(f"{STRIDE}:exercise", exercise.slug, exercise.name)
        return {
            "code": _concept(code),
            "status": status,
            "scheduledTiming": {"repeat": repeat},
            "description": _dose_description(item),
        }

    def bundle(self, now: datetime) -> dict:
        for log in self.record.walk_logs:
            self.walk_log(log)
        builders = {"treadmill": self.treadmill, "cart": self.cart}
        for kind in WALK_TESTS:
            build = builders.get(kind.slug, self.self_paced_walk)
            for result in reversed(self.record.walk_tests.get(kind.slug, [])):
                build(kind, result)
        for administration in reversed(self.record.administrations):
            self.questionnaire(administration)
        if self.record.plan is not None:
            self.care_plan(self.record.plan, self.record.plan_exercises)
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": self.instant(now),
            "entry": self.entries.all(),
        }


def _dose_description(item: PlanExercise) -> str:
    """The dose in the plan's own words; weekly and optional items say when, too."""
    if item.slot in (Slot.WEEKLY, Slot.OPTION):
        return f"{item.get_slot_display()}: {item.dose_text}"
    return item.dose_text


def _stop_reason(code: str, value: str) -> dict | None:
    return _choice(code, "stop-reason", value, StopReason(value).label) if value else None


def _score(rule: str, key: str, value) -> dict:
    """One stored score of a questionnaire (engine.score's keys), under Stride's code
    `<rule>-<key>`; an NPRS item is a 0-10 pain rating, so it carries LOINC's code too."""
    display = f"{Instrument.Rule(rule).label}: {key.replace('_', ' ')}"
    code = _concept(_stride(f"{rule}-{key}", display))
    if rule == Instrument.Rule.NPRS and isinstance(value, int):
        code = _concept(_coding(LOINC, *PAIN_SEVERITY), _stride(f"{rule}-{key}", display))
    if value is None:  # too many blank answers to score (docs/clinical-rules.md §4)
        reason = _coding(DATA_ABSENT, "unknown", "Unknown")
        return {"code": code, "dataAbsentReason": {"coding": [reason]}}
    if isinstance(value, bool):
        return {"code": code, "valueBoolean": value}
    if isinstance(value, int):
        return {"code": code, "valueInteger": value}
    if isinstance(value, float):
        unit = "%" if (rule, key) == (Instrument.Rule.ODI, "index") else "score"
        return {"code": code, "valueQuantity": _quantity(value, unit)}
    if isinstance(value, list):
        return {"code": code, "valueString": ", ".join(map(str, value)) or "none"}
    return {"code": code, "valueString": str(value)}


def patient_bundle(record: PatientRecord, *, now: datetime) -> dict:
    """The FHIR R4 Bundle (type collection) of one patient's record, as JSON-ready dicts."""
    return _Builder(record).bundle(now)
