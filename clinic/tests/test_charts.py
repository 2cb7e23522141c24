"""clinic.charts: pygal SVG that a strict Content Security Policy accepts."""

import pytest

from clinic import charts


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
