"""Charts of each measure over time: one module for pages and PDFs.

`measure_series()` turns results into dated points; `render_svg()` draws them with the
project's chart helpers (clinic.charts: pygal, one look, a self-contained SVG with no script
and no external reference, so the same file works in an <img>, in a PDF, or saved);
`table_rows()` says the same in text for screen readers and print. The baseline is the
first result; the meaningful-change line is where a meaningful improvement on that
baseline begins (docs/clinical-rules.md §4).

A measure's `source` is where its results come from: "administration" (questionnaires) or
the slug of a walk-test kind (assessments.registry), whose value the measure's `read`
takes from each result. `series_for()` gives every measure with results, for pages and PDFs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pygal

from clinic import charts as drawing

from . import scoring
from .models import METRES_PER, DistanceUnit

ADMINISTRATION = "administration"


def _level_minutes_before_symptoms(result, distance_unit: str) -> float:
    return _value(Decimal(result.level_tolerance_s) / 60, 1)


def _walking_distance(result, distance_unit: str) -> float:
    unit = DistanceUnit.MI if distance_unit == "mi" else DistanceUnit.KM
    return _value(result.distance_m / METRES_PER[unit], 2)


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    axis: str
    higher_is_better: bool
    source: str  # ADMINISTRATION, or a walk-test kind's slug (assessments.registry)
    rule: str = ""  # instrument scoring rule, for administrations
    score_key: str = ""
    # For walk tests: the value of one result, given the clinic's distance unit.
    read: Callable[[object, str], float | None] | None = None
    distance: bool = False  # the axis is the clinic's distance unit
    low: float | None = None
    high: float | None = None
    threshold: float | None = None  # meaningful change, in points (or % when relative)
    relative: bool = False
    change_rule: str = ""  # scoring.is_meaningful_change measure, when it has one
    threshold_note: str = ""
    decimals: int = 0


def _questionnaire(
    code: str,
    title: str,
    axis: str,
    *,
    rule: str,
    score_key: str,
    low: float,
    high: float,
    threshold: float,
    threshold_note: str,
    higher_is_better: bool = False,
    change_rule: str | None = None,
    decimals: int = 0,
) -> Measure:
    """A questionnaire score over time: `score_key` of each administration scored by `rule`.
    Its meaningful change is scoring's rule of the same name unless `change_rule` names
    another ("" for none: the threshold is then a plain number of points)."""
    return Measure(
        code=code,
        title=title,
        axis=axis,
        higher_is_better=higher_is_better,
        source=ADMINISTRATION,
        rule=rule,
        score_key=score_key,
        low=low,
        high=high,
        threshold=threshold,
        change_rule=rule if change_rule is None else change_rule,
        threshold_note=threshold_note,
        decimals=decimals,
    )


def _nprs(side: str, title: str) -> Measure:
    return _questionnaire(
        f"nprs-{side}",
        title,
        "pain, 0 to 10",
        rule="nprs",
        score_key=side,
        low=0,
        high=10,
        threshold=scoring.NPRS_MEANINGFUL_CHANGE,
        threshold_note="a fall of 2 points (Ostelo 2008; Stride's marker)",
    )


MEASURES: dict[str, Measure] = {
    measure.code: measure
    for measure in (
        _nprs("back", "Back pain"),
        _nprs("leg", "Leg pain"),
        _questionnaire(
            "psfs",
            "Activities (PSFS)",
            "ability, 0 to 10",
            rule="psfs",
            score_key="mean",
            low=0,
            high=10,
            threshold=scoring.PSFS_MEANINGFUL_CHANGE,
            threshold_note="a rise of about 2 points on the mean",
            higher_is_better=True,
            decimals=1,
        ),
        _questionnaire(
            "odi",
            "Disability (ODI)",
            "index %",
            rule="odi",
            score_key="index",
            low=0,
            high=100,
            threshold=scoring.ODI_MEANINGFUL_CHANGE,
            threshold_note=(
                "a fall of 10 points, or of 30 % of the first score if that is less (Ostelo 2008)"
            ),
            decimals=1,
        ),
        _questionnaire(
            "zcq-severity",
            "ZCQ symptom severity",
            "score, 1 to 5",
            rule="zcq",
            score_key="severity",
            low=1,
            high=5,
            threshold=scoring.ZCQ_SEVERITY_MCID,
            change_rule="zcq_severity",
            threshold_note="a fall of 0.36 (Minetama 2019, non-surgical care)",
            decimals=2,
        ),
        _questionnaire(
            "zcq-function",
            "ZCQ physical function",
            "score, 1 to 4",
            rule="zcq",
            score_key="function",
            low=1,
            high=4,
            # docs/clinical-rules.md §4: trials count an improvement of 0.5 or more as success.
            threshold=0.5,
            change_rule="",
            threshold_note="a fall of 0.5 (the success mark used in trials)",
            decimals=2,
        ),
        Measure(
            code="treadmill-level",
            title="Level treadmill walking before first symptoms",
            axis="minutes",
            higher_is_better=True,
            source="treadmill",
            read=_level_minutes_before_symptoms,
            low=0,
            high=10,
            threshold_note="no published threshold for this measure",
            decimals=1,
        ),
        Measure(
            code="spwt",
            title="Self-paced walking distance",
            axis="distance",
            higher_is_better=True,
            source="self-paced-walk",
            read=_walking_distance,
            distance=True,
            low=0,
            threshold=scoring.SPWT_MEANINGFUL_CHANGE_PCT,
            relative=True,
            change_rule="spwt",
            threshold_note="30 % further than the first test (Ammendolia 2018)",
            decimals=2,
        ),
    )
}


@dataclass(frozen=True)
class Point:
    on: date
    value: float


def _value(value, decimals: int) -> float:
    return round(float(value), decimals)


def measure_series(measure: Measure, results, *, distance_unit: str = "km") -> list[Point]:
    """Dated values, oldest first, from current results of the measure's source."""
    points = []
    for result in results:
        if measure.source == ADMINISTRATION:
            if result.instrument.scoring_rule != measure.rule:
                continue
            value = (result.scores or {}).get(measure.score_key)
            value = None if value is None else float(value)
        else:
            value = measure.read(result, distance_unit)
        if value is None:
            continue
        points.append((result.performed_on, result.created_at, value))
    points.sort(key=lambda p: (p[0], p[1]))
    return [Point(on=on, value=value) for on, _, value in points]


def series_for(
    results_by_source: Mapping[str, list], *, distance_unit: str = "km"
) -> list[tuple[Measure, list[Point]]]:
    """Every measure that has results, with its points, in `MEASURES` order.

    `results_by_source` maps a measure's source ("administration" or a walk-test slug) to
    current results; a source that is missing has no results.
    """
    found = []
    for measure in MEASURES.values():
        points = measure_series(
            measure, results_by_source.get(measure.source, ()), distance_unit=distance_unit
        )
        if points:
            found.append((measure, points))
    return found


def axis_label(measure: Measure, distance_unit: str = "km") -> str:
    if measure.distance:
        return "miles" if distance_unit == "mi" else "kilometres"
    return measure.axis


def threshold_value(measure: Measure, baseline: float) -> float | None:
    """Where a meaningful improvement on the baseline begins, kept inside the scale."""
    if measure.threshold is None:
        return None
    if measure.change_rule:
        # One definition of the threshold: scoring's (e.g. the ODI's 10 points or 30 %).
        try:
            step = scoring.meaningful_change_points(measure.change_rule, baseline)
        except ValueError:
            return None
    elif measure.relative:
        step = baseline * measure.threshold / 100
    else:
        step = measure.threshold
    value = baseline + step if measure.higher_is_better else baseline - step
    if measure.low is not None:
        value = max(value, measure.low)
    if measure.high is not None:
        value = min(value, measure.high)
    return round(value, max(measure.decimals, 2))


def is_improvement(measure: Measure, baseline: float, value: float) -> bool | None:
    """Meaningful improvement on the baseline; None when the measure has no threshold."""
    if measure.threshold is None:
        return None
    if measure.change_rule:
        try:
            return scoring.is_meaningful_change(measure.change_rule, baseline, value)
        except ValueError:
            return None
    change = value - baseline if measure.higher_is_better else baseline - value
    return round(change, 4) >= measure.threshold


def _fmt(measure: Measure, value: float) -> str:
    return f"{value:.{measure.decimals}f}"


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def table_rows(measure: Measure, points: list[Point]) -> list[dict]:
    """The chart in words: one row per result with its change from the baseline."""
    if not points:
        return []
    baseline = points[0].value
    rows = []
    for index, point in enumerate(points):
        change = point.value - baseline
        if measure.relative and baseline:
            change_text = f"{change / baseline * 100:+.0f} %"
        else:
            change_text = f"{change:+.{measure.decimals}f}"
        rows.append(
            {
                "on": point.on,
                "value": _fmt(measure, point.value),
                "is_baseline": index == 0,
                "change": "baseline" if index == 0 else change_text,
                "meaningful": None
                if index == 0
                else is_improvement(measure, baseline, point.value),
            }
        )
    return rows


def describe(measure: Measure, points: list[Point], *, distance_unit: str = "km") -> str:
    """A one-sentence summary for the chart's alt text."""
    if not points:
        return f"{measure.title}: no results yet."
    unit = axis_label(measure, distance_unit)
    first, last = points[0], points[-1]
    text = f"{measure.title} ({unit}): {_fmt(measure, first.value)} on {_day(first.on)} (baseline)"
    if len(points) > 1:
        text += f", {_fmt(measure, last.value)} on {_day(last.on)}"
        meaningful = is_improvement(measure, first.value, last.value)
        if meaningful is True:
            text += "; a meaningful improvement"
        elif meaningful is False:
            text += "; not yet a meaningful improvement"
    return text + ". The table below gives every result."


def render_svg(
    measure: Measure,
    points: list[Point],
    *,
    distance_unit: str = "km",
    width: int = 720,
    height: int = 360,
    on_page: drawing.OnPage | None = None,
) -> str:
    """The chart as a standalone SVG document (text), with no script and no external link;
    with `on_page`, drawn into a page (clinic.charts).

    The look and the safety checks are the project's (clinic.charts); dates are spaced by
    time, so a gap between results shows as a gap.
    """
    config = {
        "width": width,
        "height": height,
        "title": measure.title,
        "y_title": axis_label(measure, distance_unit),
        "x_value_formatter": lambda on: f"{on.day} {on:%b}",
        "value_formatter": lambda value: _fmt(measure, value),
        "no_data_text": "No results yet",
    }
    if measure.low is not None and measure.high is not None:
        config["range"] = (measure.low, measure.high)
    elif measure.low is not None and points:
        config["range"] = (measure.low, max(p.value for p in points) * 1.4 or 1)
    chart = drawing.make_chart(pygal.DateLine, **config)
    if points:
        first, last = points[0].on, points[-1].on
        baseline = points[0].value
        chart.add(measure.title, [(p.on, p.value) for p in points])
        chart.add(
            "Baseline",
            [(first, baseline), (last, baseline)],
            show_dots=False,
            stroke_style={"dasharray": drawing.DASHES["dashed"]},
        )
        target = threshold_value(measure, baseline)
        if target is not None:
            chart.add(
                "Meaningful improvement",
                [(first, target), (last, target)],
                show_dots=False,
                stroke_style={"dasharray": drawing.DASHES["dotted"]},
            )
    # The baseline (series 1) and the improvement line (2), for a chart drawn into a page.
    dashes = {1: drawing.DASHES["dashed"], 2: drawing.DASHES["dotted"]}
    return drawing.render(chart, on_page=on_page, dashes=dashes)
