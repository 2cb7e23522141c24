"""patients.demo through seed_demo: eight believable weeks, three stories, safe twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from patients import progress
from patients.models import Patient, RedFlagReport, WalkLog
from patients.selectors import progress_rows


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True

    def run():
        call_command("seed_demo", stdout=StringIO())

    run()
    return run


def _longest(patient):
    rows = progress_rows(patient.user, patient)
    result = progress.build(rows, today=max(r["date"] for r in rows))
    weeks = [w.longest for w in result.weeks if w.longest is not None]
    return weeks[0], weeks[-1]


def test_every_patient_with_a_login_has_eight_weeks_of_valid_logs(seeded):
    for patient in Patient.objects.filter(user__isnull=False):
        logs = list(WalkLog.objects.filter(patient=patient))
        assert len(logs) >= 20, patient
        assert (max(log.date for log in logs) - min(log.date for log in logs)).days >= 49
        for log in logs:
            log.full_clean()
        assert {log.source for log in logs} == {"form", "timer"}
        assert all(log.bouts for log in logs if log.source == "timer")


def test_the_stories_improving_stalled_and_a_recent_open_red_flag(seeded):
    first, last = _longest(Patient.objects.get(full_name="Pat Patient"))
    assert last >= first * 2
    first, last = _longest(Patient.objects.get(full_name="Margaret Hill"))
    assert abs(last - first) <= 2
    report = RedFlagReport.objects.get()
    assert report.patient.full_name == "George Okafor" and report.status == "open"
    assert report.alert_sent_at is not None  # the demo emails nobody


def test_the_paper_diary_patient_has_clinic_entries(seeded):
    paper = Patient.objects.get(user__isnull=True)
    assert set(WalkLog.objects.filter(patient=paper).values_list("source", flat=True)) == {"clinic"}


def test_running_the_demo_twice_adds_nothing(seeded):
    counts = (WalkLog.objects.count(), RedFlagReport.objects.count())
    seeded()
    assert (WalkLog.objects.count(), RedFlagReport.objects.count()) == counts
