"""Reads of assessments shared by views, PDFs and other apps; all go through clinic.access."""

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from clinic.access import get_or_404, scope_patient_data
from patients.models import Patient

from .models import (
    Administration,
    AssessmentSettings,
    Instrument,
    QuestionnaireAssignment,
    SelfPacedWalkTest,
    ShoppingCartTest,
    TreadmillTest,
)

RESULT_MODELS = (TreadmillTest, ShoppingCartTest, SelfPacedWalkTest, Administration)


def assessment_settings_for(clinic) -> AssessmentSettings:
    """The clinic's settings, or the product defaults (unsaved) when it never changed them."""
    found = AssessmentSettings.objects.filter(clinic=clinic).first()
    return found or AssessmentSettings(clinic=clinic)


def patient_today(patient: Patient) -> date:
    """Today's date where the patient lives (their time zone, else the clinic's)."""
    return timezone.localdate(timezone=ZoneInfo(patient.tz_name))


# --- Instruments ------------------------------------------------------------


def instruments_for_user(user) -> QuerySet[Instrument]:
    """Bundled instruments plus those the user's own clinic loaded under its licence."""
    if not (user and user.is_authenticated and user.is_active and user.clinic_id):
        return Instrument.objects.none()
    return Instrument.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=user.clinic_id))


def get_instrument_for_user(user, pk) -> Instrument:
    return get_or_404(instruments_for_user(user), pk=pk)


def bundled_instrument(code: str) -> Instrument:
    """The newest bundled version of an instrument (e.g. the SSHQ for the public quiz)."""
    instrument = (
        Instrument.objects.filter(clinic__isnull=True, bundled=True, code=code)
        .order_by("-created_at", "-id")
        .first()
    )
    if instrument is None:
        raise Instrument.DoesNotExist(f"The bundled instrument {code!r} is not loaded.")
    return instrument


# --- Results ----------------------------------------------------------------


def treadmill_tests_for_user(user) -> QuerySet[TreadmillTest]:
    return scope_patient_data(TreadmillTest.objects.all(), user)


def cart_tests_for_user(user) -> QuerySet[ShoppingCartTest]:
    return scope_patient_data(ShoppingCartTest.objects.all(), user)


def walk_tests_for_user(user) -> QuerySet[SelfPacedWalkTest]:
    return scope_patient_data(SelfPacedWalkTest.objects.all(), user)


def administrations_for_user(user) -> QuerySet[Administration]:
    return scope_patient_data(Administration.objects.all(), user)


_SCOPED = {
    TreadmillTest: treadmill_tests_for_user,
    ShoppingCartTest: cart_tests_for_user,
    SelfPacedWalkTest: walk_tests_for_user,
    Administration: administrations_for_user,
}


def get_result_for_user(model, user, pk):
    """Any version of a result the user may see (with its patient and people), else a 404."""
    related = ["patient__clinic", "corrected_by", "supersedes", "superseded_by"]
    related.append("given_by" if model is Administration else "tester")
    if model is Administration:
        related.append("instrument")
    return get_or_404(_SCOPED[model](user).select_related(*related), pk=pk)


def result_versions(result) -> list:
    """Every version of a result, oldest first: the original and its corrections."""
    model = type(result)
    root = result.root_id
    return list(
        model.objects.filter(Q(pk=root) | Q(original_id=root))
        .select_related("corrected_by")
        .order_by("created_at", "id")
    )


@dataclass
class PatientHistory:
    """A patient's current results, newest first, loaded with a fixed number of queries."""

    treadmill_tests: list = field(default_factory=list)
    cart_tests: list = field(default_factory=list)
    walk_tests: list = field(default_factory=list)
    administrations: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.treadmill_tests or self.cart_tests or self.walk_tests or self.administrations
        )


def history_for_patient(user, patient: Patient, *, questionnaires_only=False) -> PatientHistory:
    """Current results for one patient (four queries, or one for questionnaires only)."""
    history = PatientHistory()
    history.administrations = list(
        administrations_for_user(user)
        .current()
        .filter(patient=patient)
        .select_related("instrument", "given_by")
    )
    if questionnaires_only:
        return history
    history.treadmill_tests = list(
        treadmill_tests_for_user(user).current().filter(patient=patient).select_related("tester")
    )
    history.cart_tests = list(
        cart_tests_for_user(user).current().filter(patient=patient).select_related("tester")
    )
    history.walk_tests = list(
        walk_tests_for_user(user).current().filter(patient=patient).select_related("tester")
    )
    return history


def latest_results_for_patient(user, patient: Patient) -> dict:
    """The newest current result of each kind, for the summary on the patient's page."""
    return {
        "treadmill": treadmill_tests_for_user(user).current().filter(patient=patient).first(),
        "cart": cart_tests_for_user(user).current().filter(patient=patient).first(),
        "walk": walk_tests_for_user(user).current().filter(patient=patient).first(),
        "questionnaires": list(
            administrations_for_user(user)
            .current()
            .filter(patient=patient)
            .select_related("instrument")[:5]
        ),
    }


def latest_treadmill_level_onset_s(patient: Patient) -> int | None:
    """Level-stage time to first symptoms of the patient's latest treadmill test, in seconds.

    The whole level walk counts when no symptoms came; None when no test was recorded.
    For walking programmes (CLINICAL.md §7: the baseline bout). `patient` must come from a
    scoped selector: this function trusts it.
    """
    latest = (
        TreadmillTest.objects.current()
        .filter(patient=patient)
        .order_by("-performed_on", "-created_at", "-id")
        .values_list("level_onset_s", "level_total_s")
        .first()
    )
    if latest is None:
        return None
    onset_s, total_s = latest
    return onset_s if onset_s is not None else total_s


def previous_psfs_activities(user, patient: Patient) -> list[str]:
    """Activity names from the patient's latest PSFS, so follow-ups rate the same ones."""
    latest = (
        administrations_for_user(user)
        .current()
        .filter(patient=patient, instrument__scoring_rule=Instrument.Rule.PSFS)
        .order_by("-performed_on", "-created_at", "-id")
        .values_list("answers", flat=True)
        .first()
    )
    if not latest:
        return []
    return [entry["activity"] for entry in latest.values() if entry and entry.get("activity")]


# --- Assignments ------------------------------------------------------------


def assignments_for_user(user) -> QuerySet[QuestionnaireAssignment]:
    return scope_patient_data(QuestionnaireAssignment.objects.all(), user)


def get_assignment_for_user(user, pk) -> QuestionnaireAssignment:
    return get_or_404(
        assignments_for_user(user).select_related("instrument", "patient__clinic"), pk=pk
    )


def active_assignments_for_patient(user, patient: Patient) -> list[QuestionnaireAssignment]:
    return list(
        assignments_for_user(user)
        .filter(patient=patient, status=QuestionnaireAssignment.Status.ACTIVE)
        .select_related("instrument")
    )


def questionnaires_due(user, patient: Patient | None, *, today: date | None = None) -> list:
    """Active assignments due today or earlier, for the patient's Today page."""
    if patient is None:
        return []
    today = today or patient_today(patient)
    return list(
        assignments_for_user(user)
        .filter(patient=patient, status=QuestionnaireAssignment.Status.ACTIVE, next_due__lte=today)
        .select_related("instrument")
    )
