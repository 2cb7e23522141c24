"""Progress: weekly minutes, longest walk, pain rise against +2, a calendar, one sentence."""

import re
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from patients import progress
from patients.tests.factories import WalkLogFactory

MONDAY = date(2026, 3, 2)
SVG = "{http://www.w3.org/2000/svg}"


def row(on, minutes, rests=0, bouts=None, before=2, peak=4, after=2):
    return {
        "date": on,
        "minutes": Decimal(minutes),
        "rests": rests,
        "bouts": bouts or [],
        "pain_before": before,
        "pain_peak": peak,
        "pain_after": after,
    }


@pytest.mark.parametrize(
    ("log", "longest"),
    [
        (row(MONDAY, "9"), Decimal("9.0")),
        (row(MONDAY, "9", rests=2), Decimal("3.0")),  # at least the average stretch
        (row(MONDAY, "10", rests=2), Decimal("3.3")),
        (
            row(MONDAY, "9", rests=1, bouts=[{"walked_s": 200}, {"walked_s": 340}]),
            Decimal("5.7"),
        ),
        (row(MONDAY, "0.5"), Decimal("0.5")),
    ],
)
def test_the_longest_walk_of_a_log(log, longest):
    assert progress.longest_bout_minutes(log) == longest


def test_weeks_count_from_the_first_walk_and_keep_empty_weeks():
    rows = [
        row(MONDAY, "4"),
        row(MONDAY + timedelta(days=3), "5", rests=1),  # longest 2.5
        row(MONDAY + timedelta(days=15), "9"),  # week 3
    ]
    result = progress.build(rows, today=MONDAY + timedelta(days=16))
    assert [(w.number, w.walks, w.minutes, w.longest) for w in result.weeks] == [
        (1, 2, Decimal("9"), Decimal("4.0")),
        (2, 0, Decimal("0"), None),
        (3, 1, Decimal("9"), Decimal("9.0")),
    ]
    assert [w.start for w in result.weeks] == [
        MONDAY,
        MONDAY + timedelta(7),
        MONDAY + timedelta(14),
    ]


def test_pain_rise_per_walk_against_the_target():
    rows = [row(MONDAY, "5", before=2, peak=4, after=2), row(MONDAY, "5", before=1, peak=6)]
    walks = progress.build(rows, today=MONDAY).walks
    assert [(w.rise, w.within) for w in walks] == [(2, True), (5, False)]


@pytest.mark.parametrize(
    ("rows", "today", "sentence"),
    [
        ([], MONDAY, "No walks logged yet. Your progress shows here after your first walk."),
        ([row(MONDAY, "4")], MONDAY, "Your longest walk so far is 4 min."),
        (
            [row(MONDAY, "4"), row(MONDAY + timedelta(days=50), "9")],
            MONDAY + timedelta(days=50),
            "Your longest walk is 9 min, up from 4 min in week 1.",
        ),
        (
            [row(MONDAY, "4"), row(MONDAY + timedelta(days=8), "4.5")],
            MONDAY + timedelta(days=30),
            "Your longest walk in week 2 was 4 min 30 s, up from 4 min in week 1.",
        ),
        (
            [row(MONDAY, "6"), row(MONDAY + timedelta(days=7), "6")],
            MONDAY + timedelta(days=7),
            "Your longest walk is 6 min, the same as in week 1.",
        ),
        (
            [row(MONDAY, "6"), row(MONDAY + timedelta(days=7), "5")],
            MONDAY + timedelta(days=7),
            "Your longest walk is 5 min; in week 1 it was 6 min. "
            "Some weeks are harder than others.",
        ),
        ([row(MONDAY, "1")], MONDAY, "Your longest walk so far is 1 min."),
    ],
)
def test_the_plain_sentence(rows, today, sentence):
    assert progress.sentence(progress.build(rows, today=today)) == sentence


def test_the_sentence_for_the_clinician():
    rows = [row(MONDAY, "4"), row(MONDAY + timedelta(days=7), "9")]
    text = progress.sentence(progress.build(rows, today=MONDAY + timedelta(days=7)), you=False)
    assert text == "Their longest walk is 9 min, up from 4 min in week 1."


def test_the_calendar_shows_eight_weeks_monday_first_ending_this_week():
    wednesday = MONDAY + timedelta(days=2)
    rows = [row(MONDAY, "5"), row(MONDAY, "3"), row(MONDAY - timedelta(days=80), "7")]
    grid = progress.calendar(rows, today=wednesday)
    assert len(grid) == 8 and all(len(week) == 7 for week in grid)
    assert grid[0][0].on == MONDAY - timedelta(weeks=7)
    this_week = grid[-1]
    assert (this_week[0].on, this_week[0].walks, this_week[0].minutes) == (MONDAY, 2, 8)
    assert this_week[2].in_future is False and this_week[3].in_future is True
    assert sum(day.walks for week in grid for day in week) == 2  # the old walk is outside


# --- Pages and charts --------------------------------------------------------------------


def test_the_patient_sees_sentence_charts_and_tables(patient, client_for):
    first = date.today() - timedelta(days=20)
    WalkLogFactory(patient=patient, date=first, minutes=4, rests=0)
    WalkLogFactory(patient=patient, date=date.today() - timedelta(days=1), minutes=9, rests=0)
    response = client_for(patient.user).get(reverse("patients:my-progress"))
    html = response.content.decode()
    assert "up from 4 min in week 1" in html
    titles = [chart.find(f"{SVG}title").text for chart in page_charts(html)]
    assert titles == [
        "Minutes walked per week",
        "Longest walk without a rest, per week",
        "Pain rise per walk (peak minus before)",
    ]
    assert "<table" in html and "Days walked, last 8 weeks" in html
    assert AuditEvent.objects.filter(action="view", object_type="patients.progress").exists()


def page_charts(html: str) -> list[ElementTree.Element]:
    """The SVG charts drawn into a page, parsed (they are well-formed XML)."""
    return [ElementTree.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def test_the_charts_are_drawn_into_the_page_from_one_request_and_one_audit_event(
    patient, client_for
):
    WalkLogFactory.create_batch(3, patient=patient)
    html = client_for(patient.user).get(reverse("patients:my-progress")).content.decode()
    assert len(page_charts(html)) == 3
    # No chart is an image of its own, fetched (and audited) again.
    assert not re.search(r"<img[^>]*\.svg", html)
    assert AuditEvent.objects.filter(patient_id=patient.pk, action="view").count() == 1


def test_each_chart_is_an_image_named_by_its_title_and_described_in_words(patient, client_for):
    WalkLogFactory.create_batch(2, patient=patient)
    html = client_for(patient.user).get(reverse("patients:my-progress")).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # three charts on one page: no id twice
    charts = page_charts(html)
    assert len(charts) == 3
    for chart in charts:
        assert chart.get("role") == "img" and chart.get("width") == "100%"
        assert chart.get("viewBox") == "0 0 720 360"
        title = chart.find(f"{SVG}title")
        desc = chart.find(f"{SVG}desc")
        assert chart.get("aria-labelledby") == title.get("id")
        assert chart.get("aria-describedby") == desc.get("id")
        assert "table" in desc.text  # where the same numbers are, in words
    assert "pain rose in each walk, with the +2 target line" in html


def test_the_charts_in_the_page_carry_no_script_style_or_link(patient, client_for):
    # The page's policy (style-src 'self', script-src 'self') would block them: the look
    # comes from static/css/charts.css.
    WalkLogFactory.create_batch(2, patient=patient)
    response = client_for(patient.user).get(reverse("patients:my-progress"))
    html = response.content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    for svg in svgs:
        assert "<style" not in svg and "style=" not in svg and "<script" not in svg
        assert "href=" not in svg and "<!--" not in svg
    assert "/static/css/charts.css" in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_staff_see_the_progress_of_their_clinics_patients_only(world, client_for):
    url = reverse("patients:progress", args=[world.patient.pk])
    assert "No walks logged yet." in client_for(world.therapist).get(url).content.decode()
    assert client_for(world.other_therapist).get(url).status_code == 404
    assert client_for(world.other_patient.user).get(url).status_code == 404


@pytest.mark.parametrize("logs", [1, 200])
def test_the_progress_page_uses_a_fixed_number_of_queries(
    patient, client_for, django_assert_num_queries, logs
):
    for n in range(logs):
        WalkLogFactory(patient=patient, date=date.today() - timedelta(days=n % 150))
    client = client_for(patient.user)
    url = reverse("patients:my-progress")
    client.get(url)
    # session, user, own patient (+therapist, clinic, clinic settings), open plan (rules),
    # logs, audit insert, clinic (header)
    with django_assert_num_queries(7):
        client.get(url)


@pytest.mark.parametrize("logs", [1, 200])
def test_the_staff_progress_page_with_its_charts_uses_a_fixed_number_of_queries(
    patient, client_for, django_assert_num_queries, logs
):
    for n in range(logs):
        WalkLogFactory(patient=patient, date=date.today() - timedelta(days=n % 150))
    client = client_for(patient.primary_therapist)
    url = reverse("patients:progress", args=[patient.pk])
    client.get(url)
    # session, user, MFA check, patient (+therapist, login, clinic, clinic settings, open red
    # flag), open plan (rules), logs, audit insert, clinic (header): the charts are drawn
    # from the same logs
    with django_assert_num_queries(8):
        html = client.get(url).content.decode()
    assert len(page_charts(html)) == 3
    assert AuditEvent.objects.filter(patient_id=patient.pk, action="view").count() == 2
