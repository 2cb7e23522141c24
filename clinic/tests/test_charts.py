"""clinic.charts: pygal SVG that a strict Content Security Policy accepts."""

import base64
import re
import subprocess

import pytest
import tinycss2

from clinic import charts
from clinic.pdf import html_to_pdf


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


def test_svg_response_carries_its_own_policy_and_is_never_cached():
    response = charts.svg_response(_bar())
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Cache-Control"] == "private, no-store"
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


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
