"""The progress page's three charts, drawn into the page (clinic.charts) from the page's one
progress build: no request, query or audit event of their own.

Each is named by its title and described in words, and the page shows the same numbers as
tables (templates/patients/progress.html). The pain-rise target is the patient's
(`rules.pain_rise_target`, docs/clinical-rules.md §7.2).
"""

from clinic import charts
from clinic.clinical_rules import ClinicalRules

from .progress import Progress


def minutes_chart(progress: Progress) -> str:
    weeks = progress.chart_weeks
    return charts.bar_chart(
        title="Minutes walked per week",
        y_title="minutes",
        labels=[f"Wk {w.number}" for w in weeks],
        series=[charts.Series("Minutes walked", [float(w.minutes) for w in weeks])],
        on_page=charts.OnPage(
            id="chart-minutes",
            description="Bar chart of minutes walked per week. "
            "The same numbers are in the table below.",
        ),
    )


def longest_chart(progress: Progress) -> str:
    weeks = progress.chart_weeks
    return charts.line_chart(
        title="Longest walk without a rest, per week",
        y_title="minutes",
        labels=[f"Wk {w.number}" for w in weeks],
        series=[
            charts.Series(
                "Longest walk",
                [None if w.longest is None else float(w.longest) for w in weeks],
            )
        ],
        y_range=(0, max([float(w.longest or 0) for w in weeks] + [5]) * 1.2),
        on_page=charts.OnPage(
            id="chart-longest",
            description="Line chart of the longest walk without a rest in each week. "
            "The numbers are in the table above.",
        ),
    )


def pain_rise_chart(progress: Progress, rules: ClinicalRules) -> str:
    walks = progress.chart_walks
    target = rules.pain_rise_target
    return charts.line_chart(
        title="Pain rise per walk (peak minus before)",
        y_title="points",
        labels=[f"{w.on.day} {w.on:%b}" for w in walks],
        series=[charts.Series("Pain rise", [w.rise for w in walks])],
        references=[charts.ReferenceLine(f"+{target} target", target)],
        y_range=(min([0] + [w.rise for w in walks]), 10),
        x_label_rotation=45,
        on_page=charts.OnPage(
            id="chart-pain-rise",
            description=f"Line chart of how many points pain rose in each walk, with the "
            f"+{target} target line. The numbers are in the table below.",
        ),
    )


def progress_charts(progress: Progress, rules: ClinicalRules) -> dict[str, str]:
    """The three charts as SVG for the page, by the name the template uses."""
    return {
        "minutes": minutes_chart(progress),
        "longest": longest_chart(progress),
        "pain_rise": pain_rise_chart(progress, rules),
    }
