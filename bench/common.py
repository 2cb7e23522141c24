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


def _summary(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
    }


def against_floor(project, floor, *, runs: int = 30, warmup: int = 3) -> dict:
    """Time `project()` and `floor()` interleaved (A, B, A, B ...) in one run.

    The machine is shared and noisy: only the ratio of the two medians compares across runs.
    Returns {"project": {median_ms, p95_ms}, "floor": {...}, "ratio": median / floor median}.
    """
    for _ in range(warmup):
        project()
        floor()
    project_samples, floor_samples = [], []
    for i in range(runs):
        # Alternate which goes first, so neither always runs on a warmer cache.
        pair = ((project, project_samples), (floor, floor_samples))
        for fn, samples in pair if i % 2 == 0 else reversed(pair):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    mine, base = _summary(project_samples), _summary(floor_samples)
    ratio = round(mine["median_ms"] / base["median_ms"], 2) if base["median_ms"] else None
    return {"project": mine, "floor": base, "ratio": ratio}


def report_against_floor(name: str, figures: dict, target: str = "", **extra) -> None:
    """One line: the project's median and p95, the floor's, the ratio, and any extra figures."""
    mine, base = figures["project"], figures["floor"]
    shown = (
        f"median={mine['median_ms']} ms p95={mine['p95_ms']} ms | "
        f"floor median={base['median_ms']} ms p95={base['p95_ms']} ms | ratio={figures['ratio']}x"
    )
    more = "".join(f"  {k}={v}" for k, v in extra.items())
    print(f"{name}: {shown}{more}{'  (target ' + target + ')' if target else ''}")


def analyze() -> None:
    """Refresh the planner's statistics after seeding, as autovacuum would in production."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def report(name: str, figures: dict, target: str = "") -> None:
    shown = "  ".join(f"{k}={v}" for k, v in figures.items())
    print(f"{name}: {shown}{'  (target ' + target + ')' if target else ''}")
