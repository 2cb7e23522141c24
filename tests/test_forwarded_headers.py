"""Forwarded headers are trusted from the reverse proxy only (#16, point 8).

gunicorn runs here with the web service's own command from docker-compose.yml (bound to
loopback instead of the container's network) and the production settings. A client that
reaches gunicorn directly and claims `X-Forwarded-Proto: https` is still sent to HTTPS;
the same header from the proxy's address is believed.
"""

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def compose() -> dict:
    with open(ROOT / "docker-compose.yml") as f:
        return yaml.safe_load(f)


def web_command(port: int) -> list[str]:
    """The compose web command with its ${VAR:-default} values filled in, bound to loopback."""
    command = compose()["services"]["web"]["command"]
    tokens = command if isinstance(command, list) else shlex.split(command)
    filled = [re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(token)) for token in tokens]
    bound = [t for t in filled if not t.startswith("--bind")]
    bound[0] = str(Path(sys.executable).with_name(bound[0]))
    return [*bound, f"--bind=127.0.0.1:{port}", "--workers=1"]


def production_env(tmp_path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings.production",
        "SECRET_KEY": "test-only-secret-key-for-the-forwarded-header-check-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_URL": "consolemail://",
        "DEFAULT_FROM_EMAIL": "test@localhost",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "SITE_URL": "https://localhost",
        "SECURE_SSL_REDIRECT": "true",
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(port: int, headers: dict) -> tuple[int, str]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", headers={"Host": "localhost", **headers}
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (gunicorn from this venv, the compose command)
        web_command(port),
        cwd=ROOT,
        env=production_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115 (closed with the process)
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, {})  # answers once a worker has booted
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail((tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_a_client_reaching_gunicorn_directly_cannot_claim_https(gunicorn):
    status, location = get(gunicorn, {"X-Forwarded-Proto": "https"})
    assert status == 301
    assert location.startswith("https://localhost/")


def test_gunicorn_trusts_only_the_proxy_and_is_not_published():
    services = compose()["services"]
    web = services["web"]
    command = " ".join(map(str, web["command"]))
    allowed = re.search(r"--forwarded-allow-ips=(\S+)", command).group(1)
    assert "*" not in allowed
    proxy_address = services["proxy"]["networks"]["internal"]["ipv4_address"]
    assert allowed.split(",") == [proxy_address]
    assert "ports" not in web
    assert {str(p).split(":")[-2] for p in services["proxy"]["ports"]} >= {"443"}
