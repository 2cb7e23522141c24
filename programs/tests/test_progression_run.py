"""The weekly job: one suggestion per active plan week, from the week's walk logs."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clinic.models import ClinicalSettings
from clinic.tests.factories import ClinicFactory, StaffFactory
from patients.dates import patient_today
from patients.tests.factories import PatientFactory, RedFlagReportFactory, WalkLogFactory
from programs import services
from programs.models import ProgressionSuggestion
from programs.tasks import progression_weekly
from programs.tests.factories import (
    assign_plan,
    bundled_template,
    suggestion_for,
    template_doses,
)

pytestmark = pytest.mark.django_db


def decide_weeks(**kwargs):
    """The weekly job as it runs three days into the next week: a week is decided two days
    after it ended even when the patient has not logged since (docs/clinical-rules.md §7.6)."""
    return services.progression_run(now=timezone.now() + timedelta(days=3), **kwargs)


def week_logs(plan, week, pains, **fields):
    """One log a day from the first day of plan week `week`, pains as (before, peak, after),
    each a whole session of the plan's 3 x 6 minutes."""
    fields.setdefault("minutes", Decimal("18"))
    start = plan.start_date + timedelta(weeks=week - 1)
    return [
        WalkLogFactory(
            patient=plan.patient,
            date=start + timedelta(days=i),
            pain_before=b,
            pain_peak=p,
            pain_after=a,
            **fields,
        )
        for i, (b, p, a) in enumerate(pains)
    ]


GOOD = (2, 4, 2)
WAY_OVER = (2, 7, 2)


@pytest.fixture
def plan(patient, therapist):
    """Started two weeks ago: week 2 has just ended, so the weekly rule applies (week 3)."""
    return assign_plan(patient, by=therapist, weeks_ago=2)


def test_a_good_week_suggests_progress_with_reasons(plan):
    week_logs(plan, 2, [GOOD] * 5)

    assert decide_weeks() == 1

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.week_number, suggestion.week_start) == (2, plan.start_date + timedelta(7))
    assert (suggestion.decision, suggestion.status) == ("progress", "pending")
    assert suggestion.suggested_bout_minutes == Decimal("7")
    assert suggestion.reasons == [
        (
            "5 walking days done of 5 planned, 5 of 5 sessions done within the +2 pain "
            "target, no flare: bout 6 -> 7 min"
        )
    ]
    assert suggestion.logged_sessions == 5
    plan.refresh_from_db()
    assert plan.bout_minutes == Decimal("6")  # nothing changes until a therapist approves


def test_running_twice_writes_one_suggestion(plan):
    week_logs(plan, 2, [GOOD] * 5)
    decide_weeks()

    assert decide_weeks() == 0
    progression_weekly.delay()  # the beat task, eagerly in tests
    assert ProgressionSuggestion.objects.count() == 1


def test_paused_ended_and_future_plans_are_skipped(
    patient, other_patient, paper_patient, therapist
):
    paused = assign_plan(patient, by=therapist, weeks_ago=2)
    services.plan_pause(plan=paused, by=therapist, reason="Holiday")
    ended = assign_plan(other_patient, by=therapist, weeks_ago=2)
    services.plan_end(plan=ended, by=therapist, reason="Discharged")
    assign_plan(paper_patient, by=therapist, start=patient_today(paper_patient) + timedelta(3))

    assert decide_weeks() == 0
    assert not ProgressionSuggestion.objects.exists()


def test_a_week_still_running_gets_no_suggestion(patient, therapist):
    assign_plan(patient, by=therapist, start=patient_today(patient) - timedelta(days=6))

    assert services.progression_run() == 0


def test_only_the_latest_completed_week_is_looked_at(patient, therapist):
    plan = assign_plan(patient, by=therapist, weeks_ago=4)
    week_logs(plan, 3, [GOOD] * 5)  # week 3 was good, week 4 empty

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.week_number, suggestion.decision) == (4, "hold")


def test_deleted_logs_do_not_count(plan):
    logs = week_logs(plan, 2, [GOOD] * 5)
    for log in logs[:2]:
        log.deleted_at = timezone.now()
        log.save()

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.decision == "hold"
    assert suggestion.reasons[0] == "3 walking days done of 5 planned; 4 needed to progress (80 %)"


def test_another_patients_logs_do_not_count(plan, other_patient):
    WalkLogFactory.create_batch(5, patient=other_patient, date=plan.start_date + timedelta(8))

    decide_weeks()

    assert ProgressionSuggestion.objects.get().logged_sessions == 0


def test_logs_outside_the_week_do_not_count(plan):
    week_logs(plan, 1, [GOOD] * 5)
    WalkLogFactory(patient=plan.patient, date=patient_today(plan.patient))  # week 3, today

    decide_weeks()

    assert ProgressionSuggestion.objects.get().logged_sessions == 0


def test_two_sessions_way_over_target_suggest_a_step_back(plan):
    week_logs(plan, 2, [GOOD, GOOD, GOOD, WAY_OVER, WAY_OVER])

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.decision, suggestion.suggested_bout_minutes) == ("regress", Decimal("4.5"))


def test_a_next_day_flare_suggests_a_step_back(plan):
    week_logs(plan, 2, [GOOD] * 4)
    week_logs(plan, 2, [GOOD], flare_next_day=True)

    decide_weeks()

    assert ProgressionSuggestion.objects.get().decision == "regress"


def test_a_red_flag_on_a_log_of_the_week_suggests_a_pause(plan, therapist):
    logs = week_logs(plan, 2, [GOOD] * 5)
    RedFlagReportFactory(patient=plan.patient, source_log=logs[2])

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.decision == "pause"
    assert suggestion.reasons[0].startswith("A red flag was reported on 1 session this week")


def test_a_red_flag_reported_without_a_log_in_the_week_suggests_a_pause(plan):
    week_logs(plan, 2, [GOOD] * 5)
    during_week = timezone.make_aware(
        datetime.combine(plan.start_date + timedelta(days=9), datetime.min.time())
    ) + timedelta(hours=12)
    RedFlagReportFactory(patient=plan.patient, reported_at=during_week)

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.decision, suggestion.logged_sessions) == ("pause", 5)


def test_a_red_flag_of_another_week_does_not_pause(plan):
    week_logs(plan, 2, [GOOD] * 5)
    RedFlagReportFactory(patient=plan.patient, reported_at=timezone.now())  # week 3

    decide_weeks()

    assert ProgressionSuggestion.objects.get().decision == "progress"


def test_foundation_weeks_hold_even_when_the_week_went_well(patient, therapist):
    plan = assign_plan(patient, by=therapist, weeks_ago=1)
    week_logs(plan, 1, [GOOD] * 5)

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.decision, suggestion.suggested_bout_minutes) == ("hold", Decimal("6"))
    assert suggestion.reasons == [
        "5 walking days done of 5 planned, 5 of 5 sessions done within the +2 pain target, "
        "no flare",
        "Week 1 is a foundation week: walks stay at the starting length until week 3",
        "hold: bout stays at 6 min",
    ]


def test_foundation_weeks_still_step_back(patient, therapist):
    plan = assign_plan(patient, by=therapist, weeks_ago=1)
    week_logs(plan, 1, [WAY_OVER] * 2)

    decide_weeks()

    assert ProgressionSuggestion.objects.get().decision == "regress"


def test_the_clinics_thresholds_are_used(plan):
    ClinicalSettings.objects.create(clinic=plan.patient.clinic, min_adherence_pct=60)
    week_logs(plan, 2, [GOOD] * 3)

    decide_weeks()

    assert ProgressionSuggestion.objects.get().decision == "progress"


def test_hold_applies_by_itself_when_the_clinic_allows_it(plan):
    ClinicalSettings.objects.create(clinic=plan.patient.clinic, auto_apply_hold=True)
    week_logs(plan, 2, [GOOD] * 2)

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.decision, suggestion.status) == ("hold", "auto")
    assert suggestion.decided_at is not None
    assert plan.versions.count() == 1  # a hold changes nothing, so no new version


def test_progress_waits_for_a_therapist_even_when_hold_applies_by_itself(plan):
    ClinicalSettings.objects.create(clinic=plan.patient.clinic, auto_apply_hold=True)
    week_logs(plan, 2, [GOOD] * 5)

    decide_weeks()

    assert ProgressionSuggestion.objects.get().status == "pending"


def test_the_prescription_in_force_that_week_is_the_base(plan, therapist):
    week_logs(plan, 2, [GOOD] * 5)
    # Changed today (week 3): week 2 was walked at 6 minutes, so 6 is what the rule grows.
    services.plan_adjust(
        plan=plan,
        by=therapist,
        reason="Longer from today",
        sessions_per_week=5,
        bouts_per_session=3,
        bout_minutes=Decimal("9"),
        exercises=template_doses(bundled_template()),
    )

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.current_bout_minutes, suggestion.suggested_bout_minutes) == (
        Decimal("6"),
        Decimal("7"),
    )


def test_an_older_waiting_suggestion_is_closed_by_a_newer_one(plan):
    old = suggestion_for(plan, week=1)
    week_logs(plan, 2, [GOOD] * 5)

    decide_weeks()

    old.refresh_from_db()
    assert old.status == "expired"
    assert ProgressionSuggestion.objects.filter(status="pending").count() == 1


def _plans(count):
    clinic = ClinicFactory()
    therapist = StaffFactory(clinic=clinic)
    plans = []
    for _ in range(count):
        patient = PatientFactory(clinic=clinic, primary_therapist=therapist)
        plan = assign_plan(patient, by=therapist, weeks_ago=2)
        week_logs(plan, 2, [GOOD] * 3)
        RedFlagReportFactory(patient=patient, reported_at=timezone.now() - timedelta(days=60))
        plans.append(plan)
    return plans


@pytest.mark.parametrize("count", [1, 12])
def test_the_job_uses_a_fixed_number_of_queries(count, django_assert_num_queries):
    _plans(count)
    # savepoint, plans + patients + clinics + settings, existing suggestions, versions, logs,
    # red flags, insert suggestions, close older suggestions, release savepoint
    with django_assert_num_queries(9):
        assert decide_weeks() == count


def test_chunks_keep_the_queries_per_chunk_fixed(django_assert_num_queries):
    _plans(3)
    # Plans come from one cursor; two chunks of at most 2 plans cost 5 queries each; plus
    # savepoint, close older suggestions, release savepoint.
    with django_assert_num_queries(1 + 2 * 5 + 3):
        assert decide_weeks(chunk_size=2) == 3


def test_a_red_flag_reported_later_about_a_walk_of_the_week_still_pauses(plan):
    logs = week_logs(plan, 2, [GOOD] * 5)
    RedFlagReportFactory(patient=plan.patient, source_log=logs[0], reported_at=timezone.now())

    decide_weeks()

    assert ProgressionSuggestion.objects.get().decision == "pause"


# --- docs/clinical-rules.md §7.3 and §7.6: what counts, and which week a flare belongs to ---


def test_one_minute_logs_do_not_count_as_done_sessions(plan):
    # Defect: a 1-minute log counted as a session against a 3 x 6 prescription.
    week_logs(plan, 2, [GOOD] * 5, minutes=Decimal("1"))

    decide_weeks()

    suggestion = ProgressionSuggestion.objects.get()
    assert suggestion.decision == "hold"
    assert suggestion.reasons[0].startswith("0 walking days done of 5 planned")


def test_six_logs_on_three_days_are_three_walking_days(plan):
    # Defect: six logs on three days read "6 of 5 sessions".
    logs = week_logs(plan, 2, [GOOD] * 3)
    for log in logs:
        WalkLogFactory(
            patient=plan.patient,
            date=log.date,
            minutes=Decimal("18"),
            **dict(zip(PAINS, GOOD, strict=True)),
        )

    decide_weeks()

    assert (
        ProgressionSuggestion.objects.get()
        .reasons[0]
        .startswith("3 walking days done of 5 planned")
    )


PAINS = ("pain_before", "pain_peak", "pain_after")


def test_a_week_waits_for_the_next_log_before_it_is_decided(plan):
    week_logs(plan, 2, [GOOD] * 5)

    # The day after the week ended, nothing logged since: a flare may still be reported.
    assert services.progression_run() == 0
    # The patient logs in week 3: the week can be decided at once.
    week_logs(plan, 3, [GOOD])
    assert services.progression_run() == 1


def test_a_flare_reported_after_the_week_ended_counts_in_the_week_of_its_walk(plan):
    # Defect: a flare landed in the week it was reported in, or was never counted.
    week_logs(plan, 2, [GOOD] * 5)
    week_logs(plan, 3, [GOOD], flare_next_day=True)  # "flared the day after my last walk"

    assert services.progression_run() == 1

    suggestion = ProgressionSuggestion.objects.get()
    assert (suggestion.week_number, suggestion.decision) == (2, "regress")


def test_a_flare_about_the_last_walk_of_the_week_before_does_not_count_here(plan):
    week_logs(plan, 1, [GOOD])
    logs = week_logs(plan, 2, [GOOD] * 5)
    logs[0].flare_next_day = True  # about the walk of week 1
    logs[0].save(update_fields=["flare_next_day"])

    decide_weeks()

    assert ProgressionSuggestion.objects.get(week_number=2).decision == "progress"
