"""Page weight: the bytes a phone downloads for a page, on the first and the second visit.

Static files are collected into a temporary STATIC_ROOT with the production storage
(whitenoise's compressed manifest storage: hashed names, .gz and .br beside each file) and
served by WhiteNoise inside the project's own WSGI app on loopback, so the headers are the
ones production sends. Debian's chromium (Playwright, never `playwright install`), sized as
a phone, opens each page; the Chrome DevTools protocol reports what crossed the wire for
every response (Network.loadingFinished encodedDataLength: compressed body plus headers).

- first visit: a fresh browser profile (cold cache);
- second visit: the same profile opens the page again, as a patient does the next day.
  Hashed files carry a `max-age` of years and `immutable`: only the page itself should
  cross the wire (signed-in pages are `no-store`).
- floor: the HTML alone, in the same run (no page can weigh less).

Chrome asks for brotli only over HTTPS; production is HTTPS and this server is plain HTTP on
loopback, so the browser is told to ask the way it does there (Accept-Encoding). Figures are
printed, never asserted. The demo clinic (seed_demo) is loaded into the bench database.

    .venv/bin/python bench/pages.py [--screenshots bench/out/pages]

`--screenshots` saves each page as the phone first shows it, to compare a CSS change by eye.
"""

import argparse
import gzip
import json
import os
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

from common import setup

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
# What Chrome sends over HTTPS (it leaves out br on plain HTTP).
HTTPS_ACCEPT_ENCODING = "gzip, deflate, br, zstd"
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The CSS and JS base.html links, for the per-file table.
ASSETS = (
    "css/bootstrap-stride.css",
    "css/stride.css",
    "bootstrap/js/bootstrap.bundle.min.js",
    "django_htmx/htmx-2.min.js",
    "js/stride.js",
)
KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js"}


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def print_assets(static_root: Path) -> None:
    """Raw, gzip and brotli sizes of the collected (hashed) copies WhiteNoise serves, and of
    Bootstrap's full CSS (no longer served), compressed the same way, for comparison."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    for name in ASSETS:
        hashed = static_root / manifest[name]
        sizes = [hashed.stat().st_size]
        for suffix in (".gz", ".br"):
            variant = hashed.with_name(hashed.name + suffix)
            sizes.append(variant.stat().st_size if variant.exists() else 0)
        print(f"asset {name}: raw={kb(sizes[0])} gzip={kb(sizes[1])} brotli={kb(sizes[2])}")
    import bootstrap_wrapper
    import brotli

    full = (Path(bootstrap_wrapper.get_bootstrap_dir()) / "css/bootstrap.min.css").read_bytes()
    print(
        f"not served: Bootstrap's full bootstrap.min.css: raw={kb(len(full))} "
        f"gzip={kb(len(gzip.compress(full)))} brotli={kb(len(brotli.compress(full)))}"
    )


def demo_sessions() -> dict[str, str]:
    """Session cookies of the demo patient and therapist (seed_demo needs DEBUG on)."""
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from clinic.adapters import DEMO_EMAIL_DOMAIN
    from clinic.models import User

    with override_settings(DEBUG=True), open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    sessions = {}
    for role in ("patient", "therapist"):
        client = Client()
        client.force_login(User.objects.get(email=f"{role}@{DEMO_EMAIL_DOMAIN}"))
        sessions[role] = client.cookies["sessionid"].value
    return sessions


def start_server():
    """The project's WSGI app (WhiteNoise first in its middleware) on a loopback port."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import QuietWSGIRequestHandler

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietWSGIRequestHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


class Wire:
    """What crossed the wire for each response of one page load (DevTools protocol)."""

    def __init__(self, cdp):
        self.responses: dict[str, dict] = {}
        self.document = None
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._from_cache)
        cdp.send("Network.enable")

    def _entry(self, request_id: str) -> dict:
        return self.responses.setdefault(request_id, {"bytes": 0, "cached": False})

    def _response(self, event) -> None:
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self._entry(event["requestId"]).update(
            url=response["url"],
            kind=KINDS.get(event["type"], "other"),
            encoding=headers.get("content-encoding", "none"),
            cache_control=headers.get("cache-control", ""),
        )

    def _finished(self, event) -> None:
        self._entry(event["requestId"])["bytes"] = int(event["encodedDataLength"])

    def _from_cache(self, event) -> None:
        self._entry(event["requestId"])["cached"] = True

    def load(self, page, path: str) -> dict:
        """Open `path`; bytes by kind, requests made and how many went over the network."""
        self.responses = {}
        self.document = page.goto(path, wait_until="networkidle")
        seen = [entry for entry in self.responses.values() if "url" in entry]
        figures = defaultdict(int, requests=len(seen))
        for entry in seen:
            figures[entry["kind"]] += entry["bytes"]
            figures["total"] += entry["bytes"]
            figures["downloaded"] += bool(entry["bytes"]) and not entry["cached"]
        return figures

    def static_headers(self) -> set[str]:
        return {
            f"{e['kind']} {e['encoding']} '{e['cache_control']}'"
            for e in self.responses.values()
            if e.get("kind") in ("css", "js")
        }


def measure(browser, base_url: str, name: str, path: str, session, shots: Path | None) -> None:
    context = browser.new_context(
        base_url=base_url, extra_http_headers={"Accept-Encoding": HTTPS_ACCEPT_ENCODING}, **PHONE
    )
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    page = context.new_page()
    wire = Wire(context.new_cdp_session(page))
    first = wire.load(page, path)
    headers = wire.static_headers()
    html_gzip = len(gzip.compress(wire.document.body()))
    if shots:
        slug = name.split(" (")[0].replace(" ", "-")
        page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
    second = wire.load(page, path)
    context.close()
    for label, figures in (("first visit", first), ("second visit", second)):
        print(
            f"{name}, {label}: {kb(figures['total'])} | floor (the HTML alone) "
            f"{kb(figures['html'])} | css {kb(figures['css'])} js {kb(figures['js'])} "
            f"other {kb(figures['other'])} | {figures['requests']} requests, "
            f"{figures['downloaded']} over the network"
        )
    print(f"{name}: CSS/JS served as {'; '.join(sorted(headers))}")
    print(f"{name}: the HTML is sent uncompressed; gzipped it would be {kb(html_gzip)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="save a PNG of each page in this folder")
    shots = parser.parse_args().screenshots
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    setup()
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.urls import reverse
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as static_root,
        override_settings(STATIC_ROOT=static_root, STORAGES=PRODUCTION_STORAGES, DEBUG=False),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        print_assets(Path(static_root))
        sessions = demo_sessions()
        pages = [
            ("sign-in (anonymous)", reverse("account_login"), None),
            ("Today (demo patient)", reverse("dashboard:today"), sessions["patient"]),
            ("walk form (demo patient)", reverse("patients:walklog-create"), sessions["patient"]),
            ("caseload (demo therapist)", reverse("dashboard:caseload"), sessions["therapist"]),
        ]
        server, base_url = start_server()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path, session in pages:
                    measure(browser, base_url, name, path, session, shots)
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
