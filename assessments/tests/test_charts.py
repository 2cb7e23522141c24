"""Charts: safe to embed anywhere (no script, no external link), baseline and meaningful-change
line drawn, and the same facts in a table."""

import datetime
import re
from decimal import Decimal

import pytest

from assessments import charts
from assessments.tests.factories import AdministrationFactory, SelfPacedWalkTestFactory

START = datetime.date(2026, 1, 5)


def points(*values, step_days=14):
    return [
        charts.Point(START + datetime.timedelta(days=step_days * n), value)
        for n, value in enumerate(values)
    ]


@pytest.mark.parametrize("code", sorted(charts.MEASURES))
@pytest.mark.parametrize("values", [(), (5,), (7, 6, 4, 3)])
def test_every_chart_has_no_script_and_no_external_reference(code, values):
    measure = charts.MEASURES[code]
    svg = charts.render_svg(measure, points(*values))
    assert svg.startswith("<svg")
    assert "<script" not in svg.lower()
    assert "<!--" not in svg
    assert "xml-stylesheet" not in svg
    assert not re.search(r"(href|src)\s*=", svg)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= {"http://www.w3.org/2000/svg"}


def test_the_chart_marks_the_baseline_and_the_meaningful_change_line():
    svg = charts.render_svg(charts.MEASURES["nprs-leg"], points(7, 6, 4))
    assert "Baseline" in svg and "Meaningful improvement" in svg
    assert svg.count('class="line reactive nofill"') == 3


def test_a_measure_without_a_threshold_draws_only_the_baseline():
    svg = charts.render_svg(charts.MEASURES["treadmill-level"], points(2.5, 4.0))
    assert "Baseline" in svg and "Meaningful improvement" not in svg


@pytest.mark.parametrize(
    ("code", "baseline", "line"),
    [
        ("nprs-leg", 7, 5),
        ("nprs-leg", 1, 0),  # kept on the scale
        ("psfs", 3.0, 5.0),
        ("odi", 42.0, 32.0),
        ("zcq-severity", 3.0, 2.64),
        ("spwt", 0.4, 0.52),
    ],
)
def test_the_meaningful_change_line_sits_where_improvement_begins(code, baseline, line):
    assert charts.threshold_value(charts.MEASURES[code], baseline) == pytest.approx(line)


def test_the_table_says_what_the_chart_shows():
    rows = charts.table_rows(charts.MEASURES["nprs-leg"], points(7, 6, 5))
    assert [(r["value"], r["change"], r["meaningful"]) for r in rows] == [
        ("7", "baseline", None),
        ("6", "-1", False),
        ("5", "-2", True),
    ]


def test_the_alt_text_summarises_first_and_last_results():
    text = charts.describe(charts.MEASURES["psfs"], points(3.0, 5.2))
    assert text.startswith("Activities (PSFS) (ability, 0 to 10): 3.0 on 5 Jan 2026 (baseline)")
    assert "5.2 on 19 Jan 2026; a meaningful improvement" in text


def test_series_come_from_the_current_results_in_date_order(patient):
    late = AdministrationFactory(patient=patient, performed_on=START + datetime.timedelta(days=9))
    early = AdministrationFactory(
        patient=patient,
        performed_on=START,
        answers={"back": 2, "leg": 8},
        scores={"back": 2, "leg": 8},
    )
    series = charts.measure_series(charts.MEASURES["nprs-leg"], [late, early])
    assert [(p.on, p.value) for p in series] == [(START, 8.0), (late.performed_on, 6.0)]


def test_walking_distance_follows_the_clinics_unit(patient):
    walk = SelfPacedWalkTestFactory(patient=patient, distance=Decimal("1609.34"), distance_unit="m")
    measure = charts.MEASURES["spwt"]
    assert charts.measure_series(measure, [walk], distance_unit="mi")[0].value == 1.0
    assert charts.measure_series(measure, [walk], distance_unit="km")[0].value == 1.61


@pytest.mark.parametrize(
    ("baseline", "line"),
    [
        pytest.param(20.0, 14.0, id="30pct-of-20-comes-first"),
        pytest.param(30.0, 21.0, id="30pct-of-30"),
        pytest.param(50.0, 40.0, id="10-points-come-first"),
        pytest.param(0.0, 0.0, id="baseline-0"),
    ],
)
def test_the_odi_line_is_10_points_or_30pct_of_the_baseline(baseline, line):
    assert charts.threshold_value(charts.MEASURES["odi"], baseline) == pytest.approx(line)


def test_the_odi_table_marks_30pct_of_a_low_baseline_as_meaningful():
    rows = charts.table_rows(charts.MEASURES["odi"], points(20.0, 15.0, 14.0))
    assert [r["meaningful"] for r in rows] == [None, False, True]


def test_series_for_skips_sources_and_measures_without_results(patient):
    walk = SelfPacedWalkTestFactory(patient=patient)
    found = charts.series_for({"self-paced-walk": [walk]})
    assert [(m.code, [p.value for p in pts]) for m, pts in found] == [("spwt", [0.42])]
    assert charts.series_for({}) == []
