"""Tests: SQLite unless DATABASE_URL is set; eager tasks unless a test starts a real worker."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "stride-test-secret-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# A fast hasher: tests create many users; production uses Argon2 (base settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
