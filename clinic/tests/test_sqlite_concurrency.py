"""The demo's SQLite database answers concurrent writers without "database is locked".

A clinic trying the demo clicks fast: several requests write at once. The check runs the
demo's own settings (clinic.settings.local) on a fresh SQLite file in a child process, so it
holds whichever database the rest of the suite runs on. Each thread has its own connection,
as each request of the development server does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WRITERS = 8
WRITES_EACH = 15

SCRIPT = f"""
import json, threading
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)")
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
connections.close_all()

errors = []
start = threading.Barrier({WRITERS})

def writer(w):
    try:
        start.wait()
        for i in range({WRITES_EACH}):
            # A read then a write in one transaction: the pattern that needs its shared
            # lock upgraded, and fails at once unless the transaction takes the write lock
            # when it begins.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM visit WHERE writer = %s", [w])
                cursor.execute("INSERT INTO visit (writer, n) VALUES (%s, %s)", [w, i])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=writer, args=(w,)) for w in range({WRITERS})]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM visit")
    saved = cursor.fetchone()[0]
print(json.dumps({{"journal": journal, "busy": busy, "errors": errors, "saved": saved}}))
"""


def run_demo_database(tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "SECRET_KEY": "test-only-secret-key-for-the-sqlite-concurrency-check-0123456789",
    }
    result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_sqlite_saves_every_concurrent_write(tmp_path):
    figures = run_demo_database(tmp_path)
    assert figures["journal"] == "wal"
    assert figures["busy"] >= 5000
    assert figures["errors"] == []
    assert figures["saved"] == WRITERS * WRITES_EACH
