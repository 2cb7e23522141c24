"""Reads of assessments shared by views, PDFs and other apps; all go through clinic.access
(except `results_for_report`, for the PDF worker, which has no user: see there)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from clinic.access import get_or_404, scope_patient_data
from patients.dates import patient_today
from patients.models import Patient

from . import charts, registry
from .models import (
    Administration,
    AssessmentSettings,
    Instrument,
    QuestionnaireAssignment,
    TreadmillTest,
)
from .registry import WALK_TESTS, WalkTestKind

RESULT_MODELS = (*(kind.model for kind in WALK_TESTS), Administration)


def assessment_settings_for(clinic) -> AssessmentSettings:
    """The clinic's settings, or the product defaults (unsaved) when it never changed them."""
    found = AssessmentSettings.objects.filter(clinic=clinic).first()
    return found or AssessmentSettings(clinic=clinic)


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


def walk_tests_for_user(user, kind: str) -> QuerySet:
    """The walk tests of one kind (a registry slug) the user may see, every version."""
    return scope_patient_data(registry.walk_test_kind(kind).model.objects.all(), user)


def administrations_for_user(user) -> QuerySet[Administration]:
    return scope_patient_data(Administration.objects.all(), user)


def _related(model) -> list[str]:
    if model is Administration:
        return ["given_by", "instrument"]
    return list(registry.kind_of(model).related)


def get_result_for_user(model, user, pk):
    """Any version of a result the user may see (with its patient and people), else a 404."""
    related = ["patient__clinic", "corrected_by", "supersedes", "superseded_by", *_related(model)]
    queryset = scope_patient_data(model.objects.all(), user).select_related(*related)
    return get_or_404(queryset, pk=pk)


def result_versions(result) -> list:
    """Every version of a result, oldest first: the original and its corrections."""
    model = type(result)
    root = result.root_id
    return list(
        model.objects.filter(Q(pk=root) | Q(original_id=root))
        .select_related("corrected_by")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class HistorySection:
    kind: WalkTestKind
    results: list


@dataclass
class PatientHistory:
    """A patient's current results, newest first, loaded with a fixed number of queries.

    `walk_tests` maps each registry slug to that kind's results (empty lists included when
    they were loaded).
    """

    walk_tests: dict[str, list] = field(default_factory=dict)
    administrations: list = field(default_factory=list)

    @property
    def sections(self) -> list[HistorySection]:
        """The walk-test kinds that have results, in registry order."""
        return [
            HistorySection(kind, self.walk_tests[kind.slug])
            for kind in WALK_TESTS
            if self.walk_tests.get(kind.slug)
        ]

    def results_for(self, source: str) -> list:
        """Results for a chart measure's source ("administration" or a registry slug)."""
        if source == charts.ADMINISTRATION:
            return self.administrations
        return self.walk_tests.get(source, [])

    @property
    def by_source(self) -> dict[str, list]:
        return {charts.ADMINISTRATION: self.administrations, **self.walk_tests}

    @property
    def is_empty(self) -> bool:
        return not (self.administrations or any(self.walk_tests.values()))


def _current_walk_tests(user, kind: WalkTestKind, patient: Patient) -> list:
    return list(
        walk_tests_for_user(user, kind.slug)
        .current()
        .filter(patient=patient)
        .select_related(*kind.related)
    )


def history_for_patient(
    user, patient: Patient, *, questionnaires_only=False, sources=None
) -> PatientHistory:
    """Current results for one patient: one query per walk-test kind and one for the
    questionnaires (only the questionnaires with `questionnaires_only`; only the given
    chart `sources`, "administration" or registry slugs, when they are named)."""
    wanted = set(sources) if sources is not None else None
    if questionnaires_only:
        wanted = {charts.ADMINISTRATION}
    history = PatientHistory()
    if wanted is None or charts.ADMINISTRATION in wanted:
        history.administrations = list(
            administrations_for_user(user)
            .current()
            .filter(patient=patient)
            .select_related("instrument", "given_by")
        )
    for kind in WALK_TESTS:
        if wanted is None or kind.slug in wanted:
            history.walk_tests[kind.slug] = _current_walk_tests(user, kind, patient)
    return history


@dataclass(frozen=True)
class LatestResult:
    kind: WalkTestKind
    result: object | None


def latest_results_for_patient(user, patient: Patient) -> dict:
    """The newest current result of each kind, for the summary on the patient's page:
    `walk_tests` (a LatestResult per registry kind) and the five newest `questionnaires`."""
    return {
        "walk_tests": [
            LatestResult(
                kind,
                walk_tests_for_user(user, kind.slug)
                .current()
                .filter(patient=patient)
                .select_related(*kind.related)
                .first(),
            )
            for kind in WALK_TESTS
        ],
        "questionnaires": list(
            administrations_for_user(user)
            .current()
            .filter(patient=patient)
            .select_related("instrument")[:5]
        ),
    }


@dataclass
class ReportResults:
    """A patient's current results up to a day, oldest first, for the progress report."""

    walk_tests: dict[str, list]
    administrations: list

    @property
    def by_source(self) -> dict[str, list]:
        """For `charts.series_for`: every result up to the report's last day."""
        return {charts.ADMINISTRATION: self.administrations, **self.walk_tests}

    def in_period(self, start: date) -> dict[str, list]:
        """The same, from `start` on: what the report lists, by source."""
        return {
            source: [result for result in results if result.performed_on >= start]
            for source, results in self.by_source.items()
        }


def results_for_report(patient: Patient, *, until: date) -> ReportResults:
    """Current results of every walk-test kind and every questionnaire, performed on or
    before `until`, oldest first: one query per kind plus one for the questionnaires.

    For the PDF worker, which has no user: `patient` must come from a row made through a
    scoped page (documents.Document), so this function trusts it.
    """

    def rows(model, *related):
        return list(
            model.objects.current()
            .filter(patient=patient, performed_on__lte=until)
            .select_related(*related)
            .order_by("performed_on", "created_at", "id")
        )

    return ReportResults(
        walk_tests={kind.slug: rows(kind.model, *kind.related) for kind in WALK_TESTS},
        administrations=rows(Administration, "instrument"),
    )


def latest_treadmill_level_onset_s(patient: Patient) -> int | None:
    """Level-stage time to first symptoms of the patient's latest treadmill test, in seconds.

    The whole level walk counts when no symptoms came; None when no test was recorded.
    For walking programmes (docs/clinical-rules.md §7: the baseline bout). `patient` must
    come from a scoped selector: this function trusts it.
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
