import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://stride@127.0.0.1/stride",
    "ALLOWED_HOSTS": "stride.example.org",
    "EMAIL_URL": "smtp://mail.example.org:587",
    "DEFAULT_FROM_EMAIL": "stride@example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _start_production(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.update(env, DJANGO_SETTINGS_MODULE="clinic.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_production_starts_with_every_setting():
    result = _start_production(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _start_production(env)
    assert result.returncode != 0
    assert f"Production needs the environment variable {missing}" in result.stderr


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_healthz_reports_the_broker_when_configured(client, db, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    from clinic.celery import app

    app.conf.broker_url = os.environ["REDIS_URL"]
    try:
        assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}
        app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
        assert client.get("/healthz").json()["broker"] == "error"
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL


def test_the_demo_secret_key_is_made_per_checkout_and_kept(tmp_path):
    from clinic.settings.secret import checkout_secret_key

    path = tmp_path / ".secret_key"
    first = checkout_secret_key(path)

    assert len(first) >= 50 and "insecure" not in first
    assert checkout_secret_key(path) == first  # the same on the next start
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert checkout_secret_key(tmp_path / "other") != first  # another checkout, another key


def test_the_demo_settings_hold_no_fixed_secret_key():
    from pathlib import Path

    local = Path(__file__).resolve().parents[1] / "settings" / "local.py"
    assert "django-insecure" not in local.read_text()
