"""PDF rendering: a Django template to HTML, WeasyPrint to PDF, with nothing fetched from outside.

Templates reference our static files with `{% static %}`; the fetcher serves those from disk
and refuses every other URL (no file:// outside static, no network), so text a patient typed
can never make the renderer read a local file or call a server.
"""

import logging
import mimetypes
import posixpath
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Relative URLs in PDF templates resolve against this origin, which the fetcher maps to disk.
PDF_ORIGIN = "https://stride.invalid"


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch."""


class StaticFilesFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != PDF_ORIGIN or not parts.path.startswith(
            settings.STATIC_URL
        ):
            logger.warning("PDF renderer refused %s", url[:200])
            raise RefusedURL(f"refused {url[:200]}")
        relative = unquote(parts.path[len(settings.STATIC_URL) :])
        normalised = posixpath.normpath(relative)
        if normalised.startswith(("../", "/")) or normalised == "..":
            raise RefusedURL(f"refused {url[:200]}")
        try:
            path = finders.find(normalised) or _collected(normalised)
        except SuspiciousFileOperation:
            path = None
        if not path:
            raise RefusedURL(f"no static file {normalised}")
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


def _collected(name: str) -> str | None:
    """A file collected into STATIC_ROOT. In production `{% static %}` names the hashed copy
    (whitenoise's manifest storage, e.g. css/pdf.1a2b3c.css), which only exists there."""
    try:
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except NotImplementedError:  # a storage without local files
        return None
    return None


_BLOCK_TAGS = (
    "td|th|tr|li|ul|ol|p|div|h[1-6]|section|figure|figcaption|caption|table|tbody|thead|dl|dt|dd"
)
# HTML's white space (not Unicode's: a no-break space stays).
_SPACE = "[ \t\n\r\f]"
_WHITESPACE = re.compile(f"{_SPACE}+")
_AROUND_BR = re.compile(rf"{_SPACE}*(<br\s*/?>){_SPACE}*", re.IGNORECASE)
_BLOCK_EDGE_AFTER = re.compile(rf"(</?(?:{_BLOCK_TAGS})\b[^>]*>){_SPACE}+", re.IGNORECASE)
_BLOCK_EDGE_BEFORE = re.compile(rf"{_SPACE}+(</?(?:{_BLOCK_TAGS})\b)", re.IGNORECASE)


def tidy_whitespace(html: str) -> str:
    """White space as the layout would collapse it, done before WeasyPrint sees it.

    WeasyPrint 70 splits a line wrongly when collapsible white space starts or ends it or
    runs inside it (a template's newline and indentation): a cell whose text just fits
    breaks after its first word ("2" / "walks of 10 minutes"). One space between words and
    none at the edges of blocks or around <br> gives the same text, laid out right. So PDF
    templates must not rely on preformatted white space (use linebreaksbr), and line breaks
    inside a block are <br>, not an element styled display: block.
    """
    html = _WHITESPACE.sub(" ", html)
    html = _AROUND_BR.sub(r"\1", html)
    html = _BLOCK_EDGE_AFTER.sub(r"\1", html)
    return _BLOCK_EDGE_BEFORE.sub(r"\1", html)


def html_to_pdf(html: str) -> bytes:
    return HTML(
        string=html, base_url=f"{PDF_ORIGIN}/", url_fetcher=StaticFilesFetcher()
    ).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template (autoescaped: patient text stays text) to PDF bytes."""
    return html_to_pdf(tidy_whitespace(render_to_string(template_name, context)))
