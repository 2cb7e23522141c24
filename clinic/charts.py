"""Server-rendered SVG charts for every app: one plotting library (pygal), one look, and an
output our Content Security Policy accepts.

A chart comes in one of two forms, both with no script, no comment and no external
reference:

- A standalone SVG document (the default), for a PDF (as a data: URI) or a file. pygal
  keeps its look in an inline <style> element, which a page policy would block.
- Drawn into a page (`on_page=OnPage(...)`): an <svg role="img"> named by its title and
  described by a sentence, with no <style> element and no style attribute, which the page
  policy (`style-src 'self'`) would block. Its look comes from static/css/charts.css, pygal's
  own style sheets for STYLE under the `stride-chart` class (`page_stylesheet`); a page
  that draws charts links it. A page shows its charts from the data it already read: no
  request, query or audit event per chart.

Always show the same numbers as a table next to the chart (the title and description cannot
hold them all). Apps build their data (which measure, which weeks) and call `bar_chart` or
`line_chart` with plain lists; the look, the safety and the page form live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import pygal
from django.utils.safestring import mark_safe
from pygal.style import Style
from pygal.util import minify_css, template

SVG_NS = "{http://www.w3.org/2000/svg}"

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
        # pygal puts the bottom legend's baseline 1 px above the edge: its descenders ("g",
        # "p") were cut off. This margin lifts it inside the picture.
        "margin_bottom": 28,
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


# --- Charts drawn into a page ---------------------------------------------------------------

# The class of every chart drawn into a page; static/css/charts.css styles it.
PAGE_CLASS = "stride-chart"
PAGE_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "charts.css"
_PYGAL_CSS = Path(pygal.__file__).resolve().parent / "css"


@dataclass(frozen=True)
class OnPage:
    """A chart drawn into a page: `id` is unique on the page (the chart's title and
    description take their ids from it); `description` says in words what the chart shows
    and where its numbers are, for a screen reader (aria-describedby)."""

    id: str
    description: str


def page_stylesheet() -> str:
    """pygal's style sheets for STYLE, every rule under `.stride-chart`, so the look of a
    chart in a page comes from a file of our origin and touches nothing else on the page.

    static/css/charts.css holds this text (a test compares them); after a change of STYLE,
    COLORS or pygal, rewrite it with `.venv/bin/python -m clinic.charts`."""
    prefix = f".{PAGE_CLASS} "
    colors = STYLE.get_colors(prefix, len(COLORS))
    sheets = [
        minify_css(
            template(
                (_PYGAL_CSS / name).read_text(encoding="utf-8"),
                style=STYLE,
                colors=colors,
                strokes="",  # a series' dashes are attributes of its group (_for_page)
                id=prefix,
            )
        )
        for name in ("base.css", "style.css", "graph.css")
    ]
    header = "/* Generated by `python -m clinic.charts` from pygal's style sheets: do not edit. */"
    return "\n".join([header, *sheets]) + "\n"


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _for_page(root, *, on_page: OnPage, dashes: dict[int, str]):
    """pygal's tree made fit for a page (an xml filter): no style sheet, no tooltip machinery
    (its `style` attribute, its data in <desc> elements, the legend's ids, meant for pygal's
    script), an image named by its title and described in words, as wide as its column."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("style", "desc") or "tooltip-overlay" in _classes(child):
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("id", None)
        classes = _classes(element)
        if "series" in classes:
            serie = next((c for c in classes if c.startswith("serie-")), "")
            index = serie.removeprefix("serie-")
            if index.isdigit() and int(index) in dashes:
                element.set("stroke-dasharray", dashes[int(index)])
    title = next(child for child in root if child.tag.rsplit("}", 1)[-1] == "title")
    title.set("id", f"{on_page.id}-title")
    desc = root.makeelement("desc", {"id": f"{on_page.id}-desc"})
    desc.text = on_page.description
    root.insert(list(root).index(title) + 1, desc)
    root.set("class", " ".join([*_classes(root), PAGE_CLASS]))
    root.set("role", "img")
    root.set("width", "100%")
    root.set("aria-labelledby", f"{on_page.id}-title")
    root.set("aria-describedby", f"{on_page.id}-desc")
    return root


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


_BLOCKED_IN_PAGE = {"script", "style", "foreignObject", "image", "use"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def is_page_safe(svg: str) -> bool:
    """Safe to draw into a page under its policy, judged on the parsed tree (any text is
    escaped by the serializer, and may say anything): an <svg> root; no script, style,
    foreign content, image, comment or processing instruction; no event handler, link or
    style attribute."""
    builder = ElementTree.TreeBuilder(insert_comments=True, insert_pis=True)
    try:
        # Our own pygal output, never a document from outside.
        root = ElementTree.fromstring(svg, parser=ElementTree.XMLParser(target=builder))  # noqa: S314
    except ElementTree.ParseError:
        return False
    if not isinstance(root.tag, str) or _local(root.tag) != "svg":
        return False
    for element in root.iter():
        if not isinstance(element.tag, str) or _local(element.tag) in _BLOCKED_IN_PAGE:
            return False
        for name in map(_local, element.attrib):
            if name.lower().startswith("on") or name in ("href", "src", "style"):
                return False
    return True


def render(chart, *, on_page: OnPage | None = None, dashes: dict[int, str] | None = None) -> str:
    """The chart's SVG text, standalone; with `on_page`, for a page (marked safe: pygal's
    serializer escapes every title, label and value as XML text, and the tree is checked)."""
    if on_page is None:
        svg = chart.render(is_unicode=True)
        if not is_csp_safe(svg):  # a pygal upgrade that adds something must fail loudly
            raise ValueError("The chart SVG holds a script, a link or a comment.")
        return svg
    chart.add_xml_filter(partial(_for_page, on_page=on_page, dashes=dashes or {}))
    svg = chart.render(is_unicode=True)
    if not is_page_safe(svg):
        raise ValueError("The chart SVG for a page holds what the page policy blocks.")
    return mark_safe(svg)  # noqa: S308 (escaped by the XML serializer, checked above)


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
    on_page: OnPage | None = None,
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
    dashes = {}
    if any(value is not None for s in series for value in s.values):
        for s in series:
            chart.add(s.title, list(s.values), **_series_options(s.line, s.dots))
        for ref in references:
            chart.add(ref.title, [ref.value] * len(labels), **_series_options(ref.line, False))
        lines = [s.line for s in series] + [ref.line for ref in references]
        dashes = {n: DASHES[line] for n, line in enumerate(lines) if DASHES[line]}
    return render(chart, on_page=on_page, dashes=dashes)


def bar_chart(
    *,
    title: str,
    y_title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_range: tuple[float, float] | None = None,
    value_formatter: Callable[[float], str] | None = None,
    on_page: OnPage | None = None,
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
    return render(chart, on_page=on_page)


if __name__ == "__main__":  # rewrites static/css/charts.css (see page_stylesheet)
    PAGE_STYLESHEET.write_text(page_stylesheet(), encoding="utf-8")
