"""A real Celery worker in a subprocess, on the real Redis broker, for task tests.

The worker uses the test settings, the test database (committed data: use transactional
tests) and a file email backend whose folder the test reads. Each test session gets its
own queue names (clinic/settings/test.py) so parallel runs on one Redis never take each
other's tasks.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


class LiveWorker:
    def __init__(self, mail_dir: Path, log_path: Path):
        self.mail_dir = mail_dir
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def _env(self) -> dict:
        db = connection.settings_dict
        env = dict(os.environ)
        if db["ENGINE"].endswith("sqlite3"):
            env["STRIDE_TEST_SQLITE"] = str(db["NAME"])
            env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
        else:
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            )
        env.update(
            DJANGO_SETTINGS_MODULE="clinic.settings.test",
            CELERY_TASK_ALWAYS_EAGER="0",
            REDIS_URL=redis_url(),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            CELERY_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
            CELERY_PDF_QUEUE=settings.PDF_QUEUE,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        return env

    def start(self, *, concurrency: int = 2) -> "LiveWorker":
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the subprocess)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "clinic",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "-Q",
                f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.PDF_QUEUE}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname=stride-test-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
            if b" ready." in self.log_path.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout}s:\n{self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its children), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def sent_emails(self) -> list[email.message.Message]:
        """Every message the worker sent (the file backend writes them to mail_dir)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split("-" * 79 + "\n"):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk))
        return messages

    def wait_for(self, predicate, *, timeout: float = 60, what: str = "the worker") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.25)
        raise AssertionError(
            f"timed out waiting for {what}; worker log:\n{self.log_path.read_text()[-3000:]}"
        )
