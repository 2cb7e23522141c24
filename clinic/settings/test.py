"""Tests: SQLite unless DATABASE_URL is set; eager tasks unless a test starts a real worker.

A real Celery worker (tests/live_worker.py) runs in a subprocess with these settings too; it
reads the test database's name and its email folder from the environment the fixture sets.
"""

import os
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = "stride-test-secret-key-not-for-production-use-0123456789"  # noqa: S105 (tests only)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# A fast hasher: tests create many users; production uses Argon2 (base settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default="")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Queue names of this test process (a live worker is given the same names), so that test
# runs sharing one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_DEFAULT_QUEUE", default=f"stride-test-{os.getpid()}")
PDF_QUEUE = env("CELERY_PDF_QUEUE", default=f"stride-test-pdf-{os.getpid()}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Generated PDFs go to a folder of this test process (a live worker is given the same one),
# never into the repository.
MEDIA_ROOT = env(
    "MEDIA_ROOT", default=os.path.join(tempfile.gettempdir(), f"stride-test-media-{os.getpid()}")
)

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a worker subprocess can open the same test database;
    # one per test process, so that parallel runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": env(
            "STRIDE_TEST_SQLITE",
            default=os.path.join(tempfile.gettempdir(), f"stride-test-{os.getpid()}.sqlite3"),
        )
    }
