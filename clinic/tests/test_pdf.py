import io
import logging

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from clinic.pdf import PDF_ORIGIN, RefusedURL, StaticFilesFetcher, html_to_pdf, tidy_whitespace


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.png",
        "https://10.0.0.1/x.css",
        f"{PDF_ORIGIN}/media/secret.pdf",
        f"{PDF_ORIGIN}/static/../../etc/passwd",
        f"{PDF_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)


def test_the_fetcher_serves_a_static_file_from_disk():
    response = StaticFilesFetcher().fetch(f"{PDF_ORIGIN}/static/css/pdf.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_the_fetcher_serves_a_collected_static_file_by_its_hashed_name(settings, tmp_path):
    # Production: {% static %} names the manifest's hashed copy, found only in STATIC_ROOT.
    settings.STATIC_ROOT = str(tmp_path)
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.0123456789ab.css").write_text("@page { size: A4 }")

    response = StaticFilesFetcher().fetch(f"{PDF_ORIGIN}/static/css/pdf.0123456789ab.css")

    assert response.content_type == "text/css"
    assert b"size: A4" in response.read()
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(f"{PDF_ORIGIN}/static/css/other.0123456789ab.css")


def test_patient_text_is_escaped_and_nothing_is_fetched(caplog):
    note = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.org/a.css">'
    html = Template(
        "{% load static %}<html><head><link rel='stylesheet' href='{% static 'css/pdf.css' %}'>"
        "</head><body><h1>Note</h1><p>{{ note }}</p></body></html>"
    ).render(Context({"note": note}))
    with caplog.at_level(logging.WARNING, logger="clinic.pdf"):
        text = pdf_text(html_to_pdf(html))
    assert "file:///etc/passwd" in text  # shown as the text the patient typed
    assert "root:" not in text
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_raw_html_pointing_outside_renders_without_fetching(caplog):
    html = (
        "<html><body><p>Hello</p><img src='file:///etc/passwd'>"
        "<img src='http://example.org/pixel.png'><link rel='stylesheet' href='https://x.test/a.css'>"
        "</body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="clinic.pdf"):
        text = pdf_text(html_to_pdf(html))
    assert "Hello" in text and "root:" not in text
    refused = {r.getMessage() for r in caplog.records if "refused" in r.getMessage()}
    assert any("file:///etc/passwd" in m for m in refused)
    assert any("http://example.org/pixel.png" in m for m in refused)


@pytest.mark.parametrize(
    ("html", "tidy"),
    [
        (
            "<td>\n    5 days a week:\n    <br>\n    2 walks\n  </td>",
            "<td>5 days a week:<br>2 walks</td>",
        ),
        (
            "<p class='x'>  <strong>Build.</strong>\n   New:  curl-ups </p>",
            "<p class='x'><strong>Build.</strong> New: curl-ups</p>",
        ),
        (
            "<th scope=row>Week 1 <span>3 Jun</span></th>",
            "<th scope=row>Week 1 <span>3 Jun</span></th>",
        ),
        (
            "<ul>\n  <li> a </li>\n  <li>b</li>\n</ul> <p>c</p>",
            "<ul><li>a</li><li>b</li></ul><p>c</p>",
        ),
        ("<pre>a  b</pre> <link rel=x> <theadx>", "<pre>a b</pre> <link rel=x> <theadx>"),
        ("no\xa0break", "no\xa0break"),
    ],
)
def test_tidy_whitespace_leaves_one_space_between_words_and_none_at_block_edges(html, tidy):
    assert tidy_whitespace(html) == tidy


def test_a_cell_whose_text_just_fits_keeps_its_words_on_one_line():
    # WeasyPrint 70 broke "2" / "walks of 10 minutes" here, from the template's indentation.
    html = (
        "<html><body style='font: 12pt DejaVu Sans'><table><tr>"
        "<td style='width: 180px; padding: 0'>\n      5 days a week:\n      <br>\n"
        "      2 walks of 10 minutes\n    </td></tr></table></body></html>"
    )
    lines = pdf_text(html_to_pdf(tidy_whitespace(html))).splitlines()
    assert "2 walks of 10 minutes" in [line.strip() for line in lines]
