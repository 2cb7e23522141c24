"""Writes of assessments: keyword-only, atomic, validated, audited. Nothing is ever deleted.

A correction never edits a result: it writes a new version that supersedes the old one.
"""

import json
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.audit import Action, audit_record
from clinic.models import STAFF_ROLES, Clinic, Role, User
from patients.dates import patient_today
from patients.models import Patient
from patients.services import redflag_report

from . import engine, registry
from .models import (
    Administration,
    AssessmentSettings,
    Instrument,
    QuestionnaireAssignment,
    Result,
)
from .selectors import assessment_settings_for

# Fields a correction never copies from the version it corrects.
_VERSION_FIELDS = {"id", "created_at", "supersedes", "original", "corrected_by", "correction_note"}
# Not a clinical rule: results older than this are typing mistakes (a year of 19xx).
_EARLIEST = date(2000, 1, 1)


def _check_staff(patient: Patient, user: User, field: str = "tester") -> None:
    if user.clinic_id != patient.clinic_id or user.role not in STAFF_ROLES:
        raise ValidationError({field: "Choose a member of staff of this patient's clinic."})


def _check_date(patient: Patient, performed_on: date | None) -> None:
    if performed_on is None:
        raise ValidationError({"performed_on": "Enter the date."})
    if performed_on > patient_today(patient):
        raise ValidationError({"performed_on": "The date cannot be in the future."})
    if performed_on < _EARLIEST:
        raise ValidationError({"performed_on": "Enter a date from 2000 onwards."})


def _save_new(result: Result, *, actor: User, request, action: str) -> Result:
    result.full_clean()
    try:
        with transaction.atomic():
            result.save()
    except IntegrityError as error:
        # The one-to-one `supersedes` lost a race: someone corrected the same version.
        raise ValidationError(
            "This result was corrected by someone else a moment ago. "
            "Open the current version and correct that one."
        ) from error
    audit_record(
        action=action, request=request, actor=actor, patient_id=result.patient_id, obj=result
    )
    return result


def _record(model, *, patient: Patient, actor: User, request, **fields) -> Result:
    result = model(patient=patient, **fields)
    _check_date(patient, result.performed_on)
    return _save_new(result, actor=actor, request=request, action=Action.CREATE)


def _correct(old: Result, *, corrected_by: User, correction_note: str, request, **fields):
    model = type(old)
    _check_staff(old.patient, corrected_by, field="corrected_by")
    note = (correction_note or "").strip()
    if not note:
        raise ValidationError({"correction_note": "Say why the result is being corrected."})
    # Lock the version being corrected so two corrections queue instead of forking.
    locked = model.objects.select_for_update().select_related("patient__clinic").get(pk=old.pk)
    if model.objects.filter(supersedes=locked).exists():
        raise ValidationError(
            "This result was already corrected. Open the current version and correct that one."
        )
    values = {
        f.attname: getattr(locked, f.attname)
        for f in model._meta.concrete_fields
        if f.name not in _VERSION_FIELDS
    }
    if all(getattr(locked, name) == value for name, value in fields.items()):
        raise ValidationError("Nothing was changed, so there is nothing to correct.")
    new = model(**values)
    for name, value in fields.items():
        setattr(new, name, value)
    new.supersedes = locked
    new.original_id = locked.root_id
    new.corrected_by = corrected_by
    new.correction_note = note
    _check_date(locked.patient, new.performed_on)
    return _save_new(new, actor=corrected_by, request=request, action=Action.UPDATE)


# --- Walking tests ----------------------------------------------------------


@transaction.atomic
def walk_test_create(*, kind: str, patient: Patient, tester: User, request=None, **fields):
    """Record a walk test of `kind` (an assessments.registry slug, such as treadmill or
    self-paced-walk). `fields` are the model's fields (date, stages or walks...), as the
    kind's form cleans them; the tester must be staff of the patient's clinic."""
    try:
        model = registry.walk_test_kind(kind).model
    except ValueError as error:
        raise ValidationError(str(error)) from error
    _check_staff(patient, tester)
    return _record(model, patient=patient, actor=tester, request=request, tester=tester, **fields)


@transaction.atomic
def walk_test_correct(
    *, test: Result, corrected_by: User, correction_note: str, request=None, **fields
) -> Result:
    """A new version of a walk test with `fields` changed; the old version stays in the
    history. Any kind in assessments.registry."""
    try:
        registry.kind_of(test)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    return _correct(
        test, corrected_by=corrected_by, correction_note=correction_note, request=request, **fields
    )


# --- Questionnaires ---------------------------------------------------------


def _check_instrument(patient: Patient, instrument: Instrument) -> None:
    if instrument.clinic_id not in (None, patient.clinic_id):
        raise ValidationError({"instrument": "Choose a questionnaire of this clinic."})


def score_answers(*, instrument: Instrument, answers: dict, clinic: Clinic) -> tuple[dict, dict]:
    """Cleaned answers and their scores; ValidationError with per-question messages."""
    definition = instrument.definition
    try:
        cleaned = engine.clean_answers(definition, answers)
    except engine.AnswerError as error:
        raise ValidationError(
            {key or "answers": message for key, message in error.errors.items()}
        ) from error
    settings = assessment_settings_for(clinic)
    try:
        scores = engine.score(
            definition,
            cleaned,
            odi_max_missing=settings.odi_max_missing,
            zcq_max_missing=settings.zcq_max_missing,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from error
    return cleaned, scores


@transaction.atomic
def administration_create(
    *,
    patient: Patient,
    instrument: Instrument,
    given_by: User,
    answers: dict,
    performed_on: date | None = None,
    assignment: QuestionnaireAssignment | None = None,
    request=None,
) -> Administration:
    """Store a completed questionnaire with its scores.

    Given by staff in clinic, or by the patient (their own login) at home; answering an
    assignment moves it to its next due date, or closes it when it was for once.
    """
    _check_instrument(patient, instrument)
    if given_by.role == Role.PATIENT:
        if getattr(patient, "user_id", None) != given_by.pk:
            raise ValidationError("Patients answer their own questionnaires only.")
        source = Administration.Source.PATIENT
    else:
        _check_staff(patient, given_by, field="given_by")
        source = Administration.Source.CLINIC
    cleaned, scores = score_answers(instrument=instrument, answers=answers, clinic=patient.clinic)
    today = patient_today(patient)
    if assignment is not None:
        assignment = QuestionnaireAssignment.objects.select_for_update().get(pk=assignment.pk)
        if (
            assignment.patient_id != patient.pk
            or assignment.instrument_id != instrument.pk
            or assignment.status != QuestionnaireAssignment.Status.ACTIVE
        ):
            raise ValidationError("This questionnaire is no longer waiting for an answer.")
    administration = _record(
        Administration,
        patient=patient,
        actor=given_by,
        request=request,
        instrument=instrument,
        given_by=given_by,
        source=source,
        answers=cleaned,
        scores=scores,
        assignment=assignment,
        performed_on=performed_on or today,
    )
    if assignment is not None:
        _advance(assignment, today=today)
    _raise_red_flags(administration, signs=scores.get("red_flags", []), request=request)
    return administration


def _raise_red_flags(administration: Administration, *, signs, request) -> None:
    """docs/clinical-rules.md §6: any red-flag sign opens a report, which alerts the
    therapist and the clinic admins and stays open until a clinician acknowledges it
    (patients app)."""
    if not signs:
        return
    redflag_report(
        patient=administration.patient,
        signs=signs,
        reported_by=administration.given_by,
        request=request,
    )


def _advance(assignment: QuestionnaireAssignment, *, today: date) -> None:
    if assignment.every_weeks:
        step = timedelta(weeks=assignment.every_weeks)
        next_due = assignment.next_due + step
        # A patient who answers late starts a fresh interval instead of owing a backlog.
        while next_due <= today:
            next_due += step
        assignment.next_due = next_due
        assignment.save(update_fields=["next_due"])
    else:
        assignment.status = QuestionnaireAssignment.Status.DONE
        assignment.save(update_fields=["status"])


@transaction.atomic
def administration_correct(
    *,
    administration: Administration,
    corrected_by: User,
    correction_note: str,
    answers: dict,
    performed_on: date | None = None,
    request=None,
) -> Administration:
    """A new version with corrected answers (rescored); the old version stays in the history."""
    cleaned, scores = score_answers(
        instrument=administration.instrument,
        answers=answers,
        clinic=administration.patient.clinic,
    )
    fields = {"answers": cleaned, "scores": scores}
    if performed_on is not None:
        fields["performed_on"] = performed_on
    corrected = _correct(
        administration,
        corrected_by=corrected_by,
        correction_note=correction_note,
        request=request,
        **fields,
    )
    before = set((administration.scores or {}).get("red_flags", []))
    added = [sign for sign in scores.get("red_flags", []) if sign not in before]
    _raise_red_flags(corrected, signs=added, request=request)
    return corrected


@transaction.atomic
def assignment_create(
    *,
    patient: Patient,
    instrument: Instrument,
    assigned_by: User,
    every_weeks: int | None,
    first_due: date | None = None,
    request=None,
) -> QuestionnaireAssignment:
    """Ask the patient to answer a questionnaire at home, once or every N weeks."""
    _check_staff(patient, assigned_by, field="assigned_by")
    _check_instrument(patient, instrument)
    if patient.user_id is None:
        raise ValidationError(
            "This patient has no login, so they cannot answer at home. "
            "Give the questionnaire in clinic instead."
        )
    today = patient_today(patient)
    first_due = first_due or today
    if first_due < today:
        raise ValidationError({"first_due": "The first due date cannot be in the past."})
    assignment = QuestionnaireAssignment(
        patient=patient,
        instrument=instrument,
        assigned_by=assigned_by,
        every_weeks=every_weeks or None,
        next_due=first_due,
    )
    assignment.full_clean()
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        raise ValidationError("This questionnaire is already assigned to the patient.") from error
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=assigned_by,
        patient_id=patient.pk,
        obj=assignment,
    )
    return assignment


@transaction.atomic
def assignment_stop(
    *, assignment: QuestionnaireAssignment, stopped_by: User, request=None
) -> QuestionnaireAssignment:
    """Stop asking; answers already given stay in the history."""
    _check_staff(assignment.patient, stopped_by, field="stopped_by")
    assignment = QuestionnaireAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != QuestionnaireAssignment.Status.ACTIVE:
        raise ValidationError("This questionnaire is no longer assigned.")
    assignment.status = QuestionnaireAssignment.Status.STOPPED
    assignment.stopped_at = timezone.now()
    assignment.stopped_by = stopped_by
    assignment.save(update_fields=["status", "stopped_at", "stopped_by"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=stopped_by,
        patient_id=assignment.patient_id,
        obj=assignment,
    )
    return assignment


# --- Clinic settings and instruments ----------------------------------------


@transaction.atomic
def assessment_settings_update(
    *, clinic: Clinic, by: User, request=None, **fields
) -> AssessmentSettings:
    """Change a clinic's assessment defaults (clinic admins)."""
    if by.clinic_id != clinic.pk or by.role != Role.ADMIN:
        raise ValidationError("Only an admin of this clinic can change its settings.")
    settings, _ = AssessmentSettings.objects.select_for_update().get_or_create(clinic=clinic)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    audit_record(action=Action.UPDATE, request=request, actor=by, obj=settings)
    return settings


_INSTRUMENT_TEXT_FIELDS = ("title", "short_title", "instructions", "licence_note", "source")
BUNDLED_FOLDER = Path(__file__).resolve().parent / "instruments"
BUNDLED_CODES = ("nprs", "psfs", "sshq")


@transaction.atomic
def bundled_instruments_load() -> list[Instrument]:
    """Make sure the bundled instruments exist (idempotent). Migration 0002 loads them; this
    restores them where a database was emptied (tests that flush tables, a reset demo)."""
    loaded = []
    for code in BUNDLED_CODES:
        data = json.loads((BUNDLED_FOLDER / f"{code}.json").read_text(encoding="utf-8"))
        engine.validate_definition(data)
        instrument, _ = Instrument.objects.get_or_create(
            clinic=None,
            code=data["code"],
            version=data["version"],
            defaults={
                **{name: data.get(name, "") for name in _INSTRUMENT_TEXT_FIELDS},
                "scoring_rule": data["scoring_rule"],
                "items": data["items"],
                "options": data.get("options", []),
                "bundled": True,
            },
        )
        loaded.append(instrument)
    return loaded


@transaction.atomic
def instrument_load(*, definition: dict, clinic: Clinic | None) -> tuple[Instrument, bool]:
    """Load a validated instrument definition; returns (instrument, created).

    Loading the same file twice changes nothing. A different text under a version that is
    already loaded is refused: answers given to that version must keep meaning what they
    meant, so a changed text needs a new version.
    """
    data = engine.validate_definition(definition)
    fields = {name: data.get(name, "") for name in _INSTRUMENT_TEXT_FIELDS}
    fields.update(
        scoring_rule=data["scoring_rule"],
        items=data["items"],
        options=data.get("options", []),
    )
    existing = Instrument.objects.filter(
        clinic=clinic, code=data["code"], version=data["version"]
    ).first()
    if existing is not None:
        if any(getattr(existing, name) != value for name, value in fields.items()):
            raise ValidationError(
                f"Version {data['version']} of {data['code']} is already loaded with different "
                "content. Give the changed text a new version."
            )
        return existing, False
    instrument = Instrument(
        clinic=clinic, code=data["code"], version=data["version"], bundled=False, **fields
    )
    instrument.full_clean()
    instrument.save()
    audit_record(action=Action.CREATE, clinic_id=clinic.pk if clinic else None, obj=instrument)
    return instrument, True
