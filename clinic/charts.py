"""Server-rendered SVG charts for every app: one plotting library (pygal), one look, and an
output our Content Security Policy accepts.

A chart is a standalone SVG document with no script, no comment and no external reference,
so the same text works behind an <img src> URL (see `svg_response`), inside a PDF, or saved
to a file. pygal keeps its look in an inline <style> element, which the page policy
(`style-src 'self'`) would block if the SVG were pasted into HTML: serve it as a document of
its own with `svg_response`, whose policy allows that style and nothing else. Always show
the same numbers as a table next to the image (the alt text cannot hold them all).

Apps build their data (which measure, which weeks) and call `bar_chart` or `line_chart`
with plain lists; the look, the safety and the HTTP response live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygal
from django.http import HttpResponse
from pygal.style import Style

SVG_NS = "{http://www.w3.org/2000/svg}"

# The policy for the SVG document itself: its inline <style> may apply, nothing may load
# or run. Set on the response instead of the page policy (see svg_response).
SVG_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

# Dark blue for the measure, grey for a baseline, green for a target; dashes tell reference
# lines apart for colour-blind readers and greyscale print.
COLORS = ("#0b57d0", "#5f6368", "#137333", "#a50e0e", "#7b1fa2")

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f1f1f",
    foreground_strong="#1f1f1f",
    foreground_subtle="#6b6b6b",
    opacity="1",
    opacity_hover="1",
    stroke_width="3",
    stroke_width_hover="3",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    guide_stroke_color="#e3e3e3",
    major_guide_stroke_color="#c8c8c8",
    guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
    transition="0s",
    font_family=FONT,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=15,
    title_font_size=18,
    value_font_size=14,
    colors=COLORS,
)

DASHES = {"solid": None, "dashed": "10, 6", "dotted": "3, 5"}


# A CSS rule with no selector: what pygal writes for its "#chart-id" rules under no_prefix.
_RULE_WITHOUT_SELECTOR = re.compile(r"(^|\})\s*\{[^{}]*\}")


def strip_scripts_and_comments(root):
    """pygal always writes an inline <script> with its config, and comments with links:
    neither may reach a page under our Content Security Policy. Its style sheet also holds
    rules without a selector, which browsers skip but WeasyPrint's SVG renderer does not
    (the whole sheet is dropped and the chart prints as a black box): they go too."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag
            if not isinstance(tag, str) or tag in ("script", f"{SVG_NS}script"):
                parent.remove(child)
            elif tag in ("style", f"{SVG_NS}style") and child.text:
                child.text = _RULE_WITHOUT_SELECTOR.sub(r"\1", child.text)
    return root


def base_config(**overrides) -> dict:
    """pygal settings every Stride chart shares; callers add titles, ranges and formatters."""
    config = {
        "disable_xml_declaration": True,
        "js": [],  # pygal's default is a tooltip script from a CDN
        "no_prefix": True,
        "style": STYLE,
        "width": 720,
        "height": 360,
        "show_legend": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "truncate_legend": -1,
        "truncate_label": -1,
        "dots_size": 5,
        "show_x_guides": False,
        "print_values": False,
        "tooltip_border_radius": 0,
        "no_data_text": "Nothing to show yet",
    }
    config.update(overrides)
    return config


def make_chart(chart_class, **config):
    """A pygal chart of `chart_class` with the shared look and the CSP filter attached."""
    chart = chart_class(**base_config(**config))
    chart.add_xml_filter(strip_scripts_and_comments)
    return chart


_UNSAFE = (
    re.compile(r"<script", re.IGNORECASE),
    re.compile(r"<!--"),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"(?:href|src)\s*=", re.IGNORECASE),
    re.compile(r"url\(\s*['\"]?(?:https?:|//)", re.IGNORECASE),
)


def is_csp_safe(svg: str) -> bool:
    """No script, no event handler, no comment, no link or external resource."""
    return svg.lstrip().startswith("<svg") and not any(p.search(svg) for p in _UNSAFE)


def render(chart) -> str:
    svg = chart.render(is_unicode=True)
    if not is_csp_safe(svg):  # a pygal upgrade that adds something must fail loudly
        raise ValueError("The chart SVG holds a script, a link or a comment.")
    return svg


@dataclass(frozen=True)
class Series:
    """One line or set of bars. `values` may hold None for a gap (a week without walks)."""

    title: str
    values: Sequence[float | None]
    line: str = "solid"  # solid, dashed, dotted
    dots: bool = True


@dataclass(frozen=True)
class ReferenceLine:
    """A flat line across the chart: a target, a baseline, a threshold."""

    title: str
    value: float
    line: str = "dashed"


def _series_options(line: str, dots: bool) -> dict:
    options: dict = {"show_dots": dots}
    if DASHES[line]:
        options["stroke_style"] = {"dasharray": DASHES[line]}
    return options


def line_chart(
    *,
    title: str,
    y_title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    references: Sequence[ReferenceLine] = (),
    y_range: tuple[float, float] | None = None,
    value_formatter: Callable[[float], str] | None = None,
    **config,
) -> str:
    """A line chart over categorical x labels (weeks, walks), with flat reference lines."""
    options = {"title": title, "y_title": y_title, "allow_interruptions": True, **config}
    if y_range is not None:
        options["range"] = y_range
    if value_formatter is not None:
        options["value_formatter"] = value_formatter
    chart = make_chart(pygal.Line, **options)
    chart.x_labels = list(labels)
    if any(value is not None for s in series for value in s.values):
        for s in series:
            chart.add(s.title, list(s.values), **_series_options(s.line, s.dots))
        for ref in references:
            chart.add(ref.title, [ref.value] * len(labels), **_series_options(ref.line, False))
    return render(chart)


def bar_chart(
    *,
    title: str,
    y_title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_range: tuple[float, float] | None = None,
    value_formatter: Callable[[float], str] | None = None,
    **config,
) -> str:
    """Bars per category (minutes per week). pygal bars cannot carry reference lines."""
    options = {"title": title, "y_title": y_title, **config}
    if y_range is not None:
        options["range"] = y_range
    if value_formatter is not None:
        options["value_formatter"] = value_formatter
    chart = make_chart(pygal.Bar, **options)
    chart.x_labels = list(labels)
    if any(value for s in series for value in s.values):
        for s in series:
            chart.add(s.title, list(s.values))
    return render(chart)


def svg_response(svg: str) -> HttpResponse:
    """Serve a chart as its own document: private, never cached, under SVG_CSP."""
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = SVG_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response._csp_exempt = True  # django-csp: keep our own policy above, not the page policy
    return response
