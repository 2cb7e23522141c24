"""Writes of patient records: keyword-only, atomic, validated, audited."""

import logging
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.audit import Action, audit_record
from clinic.models import STAFF_ROLES, Clinic, Role, User, validate_timezone
from clinic.services import invitation_create

from .dates import local_today
from .models import (
    FUTURE_DATE,
    WALKLOG_ENTRY_FIELDS,
    Patient,
    RedFlagReport,
    ReminderPreference,
    WalkLog,
    WalkLogRevision,
)
from .signals import red_flag_raised

logger = logging.getLogger(__name__)


def _check_therapist(clinic: Clinic, therapist: User) -> None:
    if therapist.clinic_id != clinic.pk or therapist.role != Role.THERAPIST:
        raise ValidationError({"primary_therapist": "Choose a therapist of this clinic."})


@transaction.atomic
def patient_create(*, clinic: Clinic, created_by: User, request=None, **fields) -> Patient:
    """A patient record without a login (entries are made by staff)."""
    _check_therapist(clinic, fields["primary_therapist"])
    patient = Patient(clinic=clinic, **fields)
    patient.full_clean()
    patient.save()
    audit_record(
        action=Action.CREATE, request=request, actor=created_by, patient_id=patient.pk, obj=patient
    )
    return patient


@transaction.atomic
def patient_invite(
    *, clinic: Clinic, email: str, invited_by: User, request=None, **fields
) -> Patient:
    """A patient record with an invitation to sign in."""
    _check_therapist(clinic, fields["primary_therapist"])
    invitation = invitation_create(
        clinic=clinic,
        email=email,
        full_name=fields["full_name"],
        role=Role.PATIENT,
        invited_by=invited_by,
        request=request,
    )
    patient = Patient(clinic=clinic, user=invitation.user, **fields)
    patient.full_clean()
    patient.save()
    audit_record(
        action=Action.CREATE, request=request, actor=invited_by, patient_id=patient.pk, obj=patient
    )
    return patient


@transaction.atomic
def patient_reassign(*, patient: Patient, therapist: User, by: User, request=None) -> Patient:
    """Move a patient to another therapist of the same clinic."""
    _check_therapist(patient.clinic, therapist)
    patient.primary_therapist = therapist
    patient.save(update_fields=["primary_therapist"])
    audit_record(
        action=Action.REASSIGN, request=request, actor=by, patient_id=patient.pk, obj=patient
    )
    return patient


# --- Walk logs -------------------------------------------------------------------

WALKLOG_FIELDS = WALKLOG_ENTRY_FIELDS
# Patients keep a paper diary or an app, never both: staff enter logs only for patients
# without an account, and only a log's own kind of author may change it.
PATIENT_SOURCES = (WalkLog.Source.FORM, WalkLog.Source.TIMER)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(WALKLOG_FIELDS)
    if unknown:
        raise ValueError(f"Not walk-log fields: {sorted(unknown)}")


def _check_date(patient: Patient, walked_on: date) -> None:
    if walked_on and walked_on > local_today(patient.tz_name):
        raise ValidationError({"date": FUTURE_DATE})


def _validate(log: WalkLog) -> None:
    _check_date(log.patient, log.date)
    unknown = set(log.symptom_areas or []) - {code for code, _ in WalkLog.SYMPTOM_AREAS}
    if not isinstance(log.symptom_areas, list) or unknown:
        raise ValidationError({"symptom_areas": "Choose where the symptoms were from the list."})
    # The CHECK constraints are the database's to enforce (_save_walk): full_clean would ask
    # it one query each (and a savepoint around each) before every save.
    log.full_clean(exclude=["patient", "created_by"], validate_constraints=False)


def _refused_by(error: IntegrityError) -> str:
    """The name of the constraint the database refused: PostgreSQL names it in the error's
    diagnostics, SQLite only in the message ("CHECK constraint failed: <name>")."""
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if name:
        return name
    text = str(error)
    return next((known for known in WalkLog.CONSTRAINT_ERRORS if known in text), "")


def _refusal(error: IntegrityError) -> ValidationError | None:
    """The message on its field for a walk a CHECK constraint refused; None for another error."""
    refused = WalkLog.CONSTRAINT_ERRORS.get(_refused_by(error))
    if refused is None:
        return None
    field, message = refused
    return ValidationError({field: message})


def _save_walk(log: WalkLog) -> None:
    """Save inside the caller's atomic service: a walk a CHECK constraint refuses is a message
    on its field (the transaction rolls back to the service's savepoint), never a 500."""
    try:
        log.save()
    except IntegrityError as error:
        refusal = _refusal(error)
        if refusal is None:
            raise
        raise refusal from error


def _check_author(patient: Patient, by: User, source: str) -> None:
    if source == WalkLog.Source.CLINIC:
        if by.role not in STAFF_ROLES or by.clinic_id != patient.clinic_id:
            raise ValidationError("Only clinic staff enter logs for a patient.")
        if patient.user_id is not None:
            raise ValidationError(
                f"{patient.full_name} logs their own walks in Stride: staff enter walks only "
                "for patients who keep a paper diary."
            )
    elif patient.user_id is None or by.pk != patient.user_id:
        raise ValidationError("A patient logs only their own walks.")


@transaction.atomic
def walklog_create(
    *, patient: Patient, created_by: User, source: str, request=None, **fields
) -> WalkLog:
    """Save one walk. Staff may enter walks (source clinic) only for patients without an
    account; a patient only their own (form or timer)."""
    _check_fields(fields)
    _check_author(patient, created_by, source)
    log = WalkLog(patient=patient, created_by=created_by, source=source, **fields)
    _validate(log)
    _save_walk(log)
    audit_record(
        action=Action.CREATE, request=request, actor=created_by, patient_id=patient.pk, obj=log
    )
    return log


def walklog_from_timer(
    *,
    patient: Patient,
    created_by: User,
    client_id: str,
    request=None,
    **fields,
) -> tuple[WalkLog, bool]:
    """Save a walk-timer log once: a replay with the same `client_id` (an offline retry)
    returns the stored log and False instead of a second log."""
    if not client_id:
        raise ValidationError({"client_id": "The walk timer sends an id with every walk."})
    existing = WalkLog.objects.filter(patient=patient, client_id=client_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            _check_fields({k: v for k, v in fields.items() if k != "bouts"})
            _check_author(patient, created_by, WalkLog.Source.TIMER)
            log = WalkLog(
                patient=patient,
                created_by=created_by,
                source=WalkLog.Source.TIMER,
                client_id=client_id,
                **fields,
            )
            _check_date(patient, log.date)
            # The unique (patient, client_id) constraint is left to the database: a replay
            # racing this insert must fail on it and be answered with the winner below.
            log.full_clean(exclude=["patient", "created_by"], validate_constraints=False)
            log.save()
            audit_record(
                action=Action.CREATE,
                request=request,
                actor=created_by,
                patient_id=patient.pk,
                obj=log,
            )
    except IntegrityError as error:
        existing = WalkLog.objects.filter(patient=patient, client_id=client_id).first()
        if existing is None:
            refusal = _refusal(error)
            if refusal is None:
                raise
            raise refusal from error
        return existing, False
    return log, True


def can_change_walklog(log: WalkLog, user: User, *, now: datetime | None = None) -> bool:
    """Within 24 hours of saving, the author's side may correct or delete a log: the patient
    their own form and timer logs, clinic staff the logs entered by the clinic."""
    now = now or timezone.now()
    if log.deleted_at is not None or now >= log.editable_until:
        return False
    if log.source == WalkLog.Source.CLINIC:
        return user.role in STAFF_ROLES and user.clinic_id == log.patient.clinic_id
    return log.patient.user_id is not None and user.pk == log.patient.user_id


def _snapshot(log: WalkLog) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date | time):
            return value.isoformat()
        return value

    return {name: plain(getattr(log, name)) for name in WALKLOG_FIELDS}


def _check_can_change(log: WalkLog, by: User) -> None:
    if not can_change_walklog(log, by):
        raise ValidationError(
            "This walk can no longer be changed: logs can be corrected for 24 hours "
            "by the person who entered them."
        )


@transaction.atomic
def walklog_update(*, log: WalkLog, by: User, request=None, **fields) -> WalkLog:
    """Correct a log within its 24 hours; the state before the edit is kept as a revision."""
    _check_fields(fields)
    log = WalkLog.objects.select_for_update().select_related("patient__clinic").get(pk=log.pk)
    _check_can_change(log, by)
    before = _snapshot(log)
    for name, value in fields.items():
        setattr(log, name, value)
    if _snapshot(log) == before:
        return log
    _validate(log)
    WalkLogRevision.objects.create(
        log=log, action=WalkLogRevision.Action.EDIT, before=before, changed_by=by
    )
    _save_walk(log)
    audit_record(
        action=Action.UPDATE, request=request, actor=by, patient_id=log.patient_id, obj=log
    )
    return log


@transaction.atomic
def walklog_delete(*, log: WalkLog, by: User, request=None) -> WalkLog:
    """Soft delete within the 24 hours: the row stays (clinicians see it), hidden elsewhere."""
    log = WalkLog.objects.select_for_update().select_related("patient__clinic").get(pk=log.pk)
    _check_can_change(log, by)
    WalkLogRevision.objects.create(
        log=log, action=WalkLogRevision.Action.DELETE, before=_snapshot(log), changed_by=by
    )
    log.deleted_at = timezone.now()
    log.save(update_fields=["deleted_at", "updated_at"])
    audit_record(
        action=Action.DELETE, request=request, actor=by, patient_id=log.patient_id, obj=log
    )
    return log


# --- Red flags -----------------------------------------------------------------------

SIGN_CODES = frozenset(RedFlagReport.Sign.values)


def _clean_signs(signs: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(signs or []))
    if not chosen:
        raise ValidationError({"signs": "Tick at least one sign."})
    if not SIGN_CODES.issuperset(chosen):
        raise ValidationError({"signs": "Choose signs from the list."})
    # Stored in the order of the list the patient saw, so reports read the same way.
    return [code for code in RedFlagReport.Sign.values if code in chosen]


def _tell_receivers(patient: Patient, report: RedFlagReport) -> None:
    # Receivers (programs pauses the plan, notifications makes the alert rows) each write in
    # a savepoint of their own: one that fails is rolled back and logged, never undoes the
    # others' work, and never stops the report. The outer savepoint catches a receiver that
    # broke the transaction without one: then all their writes roll back, and the alert
    # sweep (notifications) still alerts the team within a minute.
    try:
        with transaction.atomic():
            responses = red_flag_raised.send_robust(
                sender=RedFlagReport, patient=patient, report=report
            )
    except Exception:
        logger.exception("red_flag_raised receivers rolled back for report %s.", report.pk)
        return
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error(
                "red_flag_raised receiver %s failed for report %s.",
                getattr(receiver, "__qualname__", receiver),
                report.pk,
                exc_info=response,
            )


@transaction.atomic
def redflag_report(
    *,
    patient: Patient,
    signs: Iterable[str],
    reported_by: User,
    source_log: WalkLog | None = None,
    request=None,
) -> RedFlagReport:
    """Open a red-flag report (docs/clinical-rules.md §6): tell the receivers (programs pauses
    the plan; notifications alerts the therapist and the clinic admins, queued on commit) and audit.
    The report never depends on a receiver, the broker or the mail server."""
    if source_log is not None and source_log.patient_id != patient.pk:
        raise ValidationError("The log belongs to another patient.")
    report = RedFlagReport.objects.create(
        patient=patient,
        signs=_clean_signs(signs),
        reported_by=reported_by,
        source_log=source_log,
    )
    _tell_receivers(patient, report)
    audit_record(
        action=Action.CREATE, request=request, actor=reported_by, patient_id=patient.pk, obj=report
    )
    return report


@transaction.atomic
def redflag_acknowledge(
    *, report: RedFlagReport, by: User, note: str, request=None
) -> RedFlagReport:
    """A clinician has seen the report and acted; it stays in the patient's history."""
    if by.role not in STAFF_ROLES or by.clinic_id != report.patient.clinic_id:
        raise ValidationError("Only clinic staff acknowledge a red flag.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write what was done, for example who called the patient."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note under 2,000 characters."})
    changed = RedFlagReport.objects.filter(pk=report.pk, status=RedFlagReport.Status.OPEN).update(
        status=RedFlagReport.Status.ACKNOWLEDGED,
        acknowledged_by=by,
        acknowledged_at=timezone.now(),
        note=note,
    )
    if not changed:
        raise ValidationError("This red flag was already acknowledged.")
    report.refresh_from_db()
    audit_record(
        action=Action.ALERT_ACK, request=request, actor=by, patient_id=report.patient_id, obj=report
    )
    return report


# --- Preferences ------------------------------------------------------------------------


@transaction.atomic
def reminder_preference_update(
    *,
    patient: Patient,
    by: User,
    remind_at: time,
    weekdays: str,
    email_enabled: bool,
    large_text: bool,
    timezone_name: str,
    request=None,
) -> ReminderPreference:
    """Save reminder times, larger text and the patient's time zone (used for log dates
    and reminders alike)."""
    preference = ReminderPreference.objects.filter(patient=patient).first()
    preference = preference or ReminderPreference(patient=patient)
    preference.remind_at = remind_at
    preference.weekdays = "".join(sorted(set(weekdays)))
    preference.email_enabled = email_enabled
    preference.large_text = large_text
    preference.full_clean(exclude=["patient"])
    preference.save()
    if timezone_name != patient.timezone:
        if timezone_name:  # empty: the clinic's time zone
            validate_timezone(timezone_name)
        patient.timezone = timezone_name
        patient.save(update_fields=["timezone"])
    audit_record(
        action=Action.UPDATE, request=request, actor=by, patient_id=patient.pk, obj=preference
    )
    return preference


@transaction.atomic
def reminder_unsubscribe(*, patient: Patient, request=None) -> ReminderPreference:
    """The one-click link in a reminder email: email reminders off, everything else kept."""
    preference, _ = ReminderPreference.objects.get_or_create(patient=patient)
    if preference.email_enabled:
        preference.email_enabled = False
        preference.save(update_fields=["email_enabled", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=None,
        clinic_id=patient.clinic_id,
        patient_id=patient.pk,
        obj=preference,
    )
    return preference
