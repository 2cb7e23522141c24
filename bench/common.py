"""Shared set-up for the benchmark scripts: Django on a PostgreSQL benchmark database.

Run a script from the repository root, e.g. `.venv/bin/python bench/caseload.py`.
BENCH_DATABASE_URL picks the database (default postgres://postgres@127.0.0.1:5432/stride_bench);
it is created and migrated when missing. Figures are printed, never asserted.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/stride_bench"


def setup() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.test")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    if url.startswith("postgres"):
        _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def count_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        yield ctx


def timed(fn, *, runs: int = 20, warmup: int = 3) -> dict:
    """Median, p95 and max wall time in ms of `fn()` over `runs` calls after `warmup`."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "max_ms": round(samples[-1], 1),
    }


def report(name: str, figures: dict, target: str = "") -> None:
    shown = "  ".join(f"{k}={v}" for k, v in figures.items())
    print(f"{name}: {shown}{'  (target ' + target + ')' if target else ''}")
