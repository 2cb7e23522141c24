"""clinic.charts: pygal SVG that a strict Content Security Policy accepts."""

import base64
import re
import subprocess
from xml.etree import ElementTree

import pytest
import tinycss2

from clinic import charts
from clinic.pdf import html_to_pdf

SVG = "{http://www.w3.org/2000/svg}"


def _line(**overrides):
    options = {
        "title": "Pain rise per walk",
        "y_title": "points",
        "labels": ["1 Mar", "3 Mar", "5 Mar"],
        "series": [charts.Series("Rise", [1, None, 3])],
        "references": [charts.ReferenceLine("+2 target", 2)],
    }
    options.update(overrides)
    return charts.line_chart(**options)


def _bar(**overrides):
    options = {
        "title": "Minutes walked",
        "y_title": "minutes",
        "labels": ["Week 1", "Week 2"],
        "series": [charts.Series("Minutes", [40, 55])],
    }
    options.update(overrides)
    return charts.bar_chart(**options)


@pytest.mark.parametrize("render", [_line, _bar], ids=["line", "bar"])
def test_it_renders_a_standalone_svg_without_script_comment_or_link(render):
    svg = render()
    assert svg.startswith("<svg")
    assert "<script" not in svg and "<!--" not in svg
    assert "http://pygal.org" not in svg and "kozea.github.io" not in svg
    assert charts.is_csp_safe(svg)


def test_the_reference_line_is_drawn_as_a_series_with_its_title():
    assert "+2 target" in _line()


@pytest.mark.parametrize("render", [_line, _bar], ids=["line", "bar"])
def test_no_data_says_so_instead_of_an_empty_frame(render):
    svg = render(labels=[], series=[charts.Series("Nothing", [])])
    assert "Nothing to show yet" in svg


@pytest.mark.parametrize(
    "svg",
    [
        "<svg><script>alert(1)</script></svg>",
        "<svg><!-- http://example.org --></svg>",
        '<svg><rect onclick="x()"/></svg>',
        '<svg><image href="https://example.org/a.png"/></svg>',
        "<svg><style>rect{fill:url('https://example.org/x')}</style></svg>",
        '<?xml version="1.0"?><svg></svg>',
    ],
)
def test_the_safety_check_refuses_what_a_page_policy_would_block(svg):
    assert not charts.is_csp_safe(svg)


@pytest.mark.parametrize("render", [_line, _bar], ids=["line", "bar"])
def test_every_style_rule_has_a_selector(render):
    # WeasyPrint drops an SVG's whole style sheet over one rule without a selector (pygal
    # writes them under no_prefix), and the chart prints as a black box.
    style = re.search(r"<style[^>]*>(.*?)</style>", render(), re.DOTALL).group(1)
    rules = tinycss2.parse_stylesheet(style, skip_comments=True, skip_whitespace=True)
    empty = [
        r for r in rules if r.type == "qualified-rule" and not tinycss2.serialize(r.prelude).strip()
    ]
    assert empty == []


@pytest.mark.parametrize("render", [_line, _bar], ids=["line", "bar"])
def test_a_chart_in_a_pdf_prints_on_white_not_as_a_black_box(render, tmp_path):
    svg = render()
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(html_to_pdf(f'<html><body><img style="width:100%" src="{uri}"></body></html>'))
    # The top of the page, where the chart is, as an 8-bit grey image.
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "20",
            "-H",
            "100",
            "-singlefile",
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    header, pixels = _pgm(tmp_path / "p.pgm")
    assert sum(pixels) / len(pixels) > 200, header  # mostly white, with dark lines and bars


def _pgm(path):
    data = path.read_bytes()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return (width, height), rest[: int(width) * int(height)]


# --- Charts drawn into a page ---------------------------------------------------------------

ON_PAGE = charts.OnPage(id="chart-rise", description="Pain rise per walk; the table has it.")


def _parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML, as a page's HTML parser reads it


@pytest.mark.parametrize("render", [_line, _bar], ids=["line", "bar"])
def test_a_chart_for_a_page_is_an_image_named_by_its_title_and_described(render):
    svg = render(on_page=ON_PAGE)
    root = _parsed(svg)
    assert root.get("role") == "img" and root.get("width") == "100%"
    assert root.get("viewBox") == "0 0 720 360"
    assert charts.PAGE_CLASS in root.get("class").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == ("chart-rise-title", "chart-rise-desc")
    assert root.get("aria-labelledby") == "chart-rise-title"
    assert root.get("aria-describedby") == "chart-rise-desc"
    assert desc.text == ON_PAGE.description
    # Every id is the chart's own: two charts on one page never share one.
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert sorted(ids) == ["chart-rise-desc", "chart-rise-title"]


@pytest.mark.parametrize("render", [_line, _bar], ids=["line", "bar"])
def test_a_chart_for_a_page_has_no_style_the_page_policy_would_block(render):
    svg = render(on_page=ON_PAGE)
    assert "<style" not in svg and "style=" not in svg
    assert "<script" not in svg and "<!--" not in svg and "href" not in svg
    assert charts.is_page_safe(svg)
    assert not charts.is_page_safe(render())  # the standalone document keeps its <style>


def test_a_dashed_line_on_a_page_is_dashed_by_an_attribute_not_a_style():
    root = _parsed(_line(on_page=ON_PAGE))
    target = next(g for g in root.iter(f"{SVG}g") if "serie-1" in (g.get("class") or "").split())
    assert target.get("stroke-dasharray") == charts.DASHES["dashed"]


def test_text_in_a_chart_for_a_page_is_escaped_never_markup():
    svg = _line(
        title='Walks of <b>"Pat" & co</b>',
        labels=["<script>alert(1)</script>", "3 Mar", "5 Mar"],
        series=[charts.Series('<img src=x onerror="alert(1)">', [1, 2, 3])],
        on_page=ON_PAGE,
    )
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert charts.is_page_safe(svg)
    texts = {e.text for e in _parsed(svg).iter() if e.text}
    assert {'Walks of <b>"Pat" & co</b>', "<script>alert(1)</script>"} <= texts


@pytest.mark.parametrize(
    "svg",
    [
        "<svg><style>rect{fill:red}</style></svg>",
        '<svg><g style="opacity: 0"></g></svg>',
        "<svg><script>alert(1)</script></svg>",
        '<svg><rect onclick="x()"/></svg>',
        '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="https://x.org">a</a></svg>',
        '<svg><image href="https://example.org/a.png"/></svg>',
        "<svg><!-- http://example.org --></svg>",
        "<svg><foreignObject><div>x</div></foreignObject></svg>",
        "<html><svg></svg></html>",
        "<svg><rect></svg>",
    ],
)
def test_the_page_check_refuses_what_the_page_policy_would_block(svg):
    assert not charts.is_page_safe(svg)


def test_the_page_check_judges_markup_not_words():
    svg = '<svg><text>onerror="x" src=y &lt;script&gt;</text></svg>'
    assert charts.is_page_safe(svg)


def test_the_page_stylesheet_is_pygals_own_for_our_style():
    # After a change of STYLE, COLORS or pygal: `.venv/bin/python -m clinic.charts`.
    assert charts.PAGE_STYLESHEET.read_text(encoding="utf-8") == charts.page_stylesheet()


def test_every_rule_of_the_page_stylesheet_is_under_the_chart_class():
    # Unscoped, pygal's rules (.title, .tooltip, text, rect ...) would restyle the page.
    rules = tinycss2.parse_stylesheet(
        charts.page_stylesheet(), skip_comments=True, skip_whitespace=True
    )
    selectors = [
        selector.strip()
        for rule in rules
        for selector in tinycss2.serialize(rule.prelude).split(",")
    ]
    assert selectors and all(s.startswith(f".{charts.PAGE_CLASS}") for s in selectors)
    assert all(rule.type == "qualified-rule" for rule in rules)
