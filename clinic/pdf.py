"""PDF rendering: a Django template to HTML, WeasyPrint to PDF, with nothing fetched from outside.

Templates reference our static files with `{% static %}`; the fetcher serves those from disk
and refuses every other URL (no file:// outside static, no network), so text a patient typed
can never make the renderer read a local file or call a server.
"""

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
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
            path = finders.find(normalised)
        except SuspiciousFileOperation:
            path = None
        if not path:
            raise RefusedURL(f"no static file {normalised}")
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


def html_to_pdf(html: str) -> bytes:
    return HTML(
        string=html, base_url=f"{PDF_ORIGIN}/", url_fetcher=StaticFilesFetcher()
    ).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template (autoescaped: patient text stays text) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
