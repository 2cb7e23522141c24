"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import bootstrap_wrapper
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# An empty DATABASE_URL (a blank line in an .env file) means "not set": the SQLite default.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo: several requests write at once. Write-ahead logging lets readers go on while
    # one writes; a transaction takes the write lock when it begins (so a read-then-write
    # never fails on a lock upgrade), and a busy database is waited for, up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "clinic",
    "patients",
    "assessments",
    "programs",
    "documents",
    "notifications",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.middleware.RequestIdMiddleware",
    # Before sessions and auth: they read the database too.
    "clinic.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "clinic.middleware.SessionTimeoutMiddleware",
    "clinic.middleware.StaffMFARequiredMiddleware",
    "clinic.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.stride",
                "patients.context_processors.clinical_rules",
            ],
        },
    },
]

AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:home"

# django-allauth: email login, no public sign-up (the adapter closes it), MFA by TOTP.
ACCOUNT_ADAPTER = "clinic.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Stride: "
# Addresses are the clinic's (invitation, patient record; clinic/README.md "Sign-in"). Only a
# verified address signs in or gets a reset link; a person may ask to change theirs (one
# address per account: the new one replaces the old once its link is followed), only after
# entering the password again, and never to an address anyone else has (clinic.account_forms).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 1
# Security notices (address or password changed) to the account's address, so that an owner
# whose session was taken hears of it.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_FORMS = {
    "add_email": "clinic.account_forms.AddEmailForm",
    "reset_password": "clinic.account_forms.ResetPasswordForm",
}
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins and wrong codes (allauth.mfa shares the action). Per account: 5 in 15
    # minutes locks it (the right password too), which its owner lifts by an emailed link
    # or a clinic admin from the accounts page (clinic.lockout). Per client address: 50 in 15
    # minutes, for a clinic's staff share one address. Successes count against neither.
    "login_failed": "50/15m/ip,5/15m/key",
    # allauth's default also caps every sign-in attempt, successful or not, at 30 a minute
    # per client address: it refused a clinic of 100 signing in at 8 am behind one NAT (#15).
    # Off: the failure limits above refuse before any password is hashed, so they also bound
    # the work one address can cause.
    "login": "",
}
# The client address behind proxies (limits and the audit trail): the number of proxies of
# ours in front of Stride, each adding to X-Forwarded-For (0: none, REMOTE_ADDR is the
# client), or a header one trusted proxy sets instead (e.g. X-Real-IP). Left at 0 behind a
# proxy, every person shares the proxy's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Stride"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_FORMS = {"authenticate": "clinic.account_forms.AuthenticateForm"}

# Session lifetime: idle limits per role, and an absolute cap (clinic.middleware).
SESSION_IDLE_SECONDS_STAFF = env.int("SESSION_IDLE_SECONDS_STAFF", default=15 * 60)
SESSION_IDLE_SECONDS_PATIENT = env.int("SESSION_IDLE_SECONDS_PATIENT", default=30 * 60)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=2 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    # Our files, with static/css/bootstrap-stride.css: the part of Bootstrap's CSS the templates
    # use, built from Bootstrap's Sass by `make css` (frontend/bootstrap-stride.scss).
    BASE_DIR / "static",
    # Bootstrap's JS from the bootstrap-wrapper wheel (the same version): no CDN, nothing copied
    # by hand. Its full CSS is not served, so collectstatic does not hash and compress it.
    ("bootstrap/js", Path(bootstrap_wrapper.get_bootstrap_dir()) / "js"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Stride <no-reply@stride.invalid>")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Celery: JSON only, time limits, tasks enqueued on commit (delay_on_commit).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Every periodic job, in one place (beat runs exactly once in docker-compose.yml).
CELERY_BEAT_SCHEDULE = {
    # Weekly per plan: each plan's week ends on its own weekday (its start date), so the pass
    # runs daily and suggests only for plans whose week has just ended; a unique row per
    # plan week keeps it to one suggestion a week, and a second run changes nothing.
    "programs-progression-weekly": {
        "task": "programs.tasks.progression_weekly",
        "schedule": crontab(minute=30, hour=4),
    },
    # Red-flag alerts that could not be queued (broker down), whose rows are missing or
    # whose task gave up: the delivery rows, not the queue, are the truth (notifications).
    "notifications-red-flag-alert-sweep": {
        "task": "notifications.tasks.red_flag_alert_sweep",
        "schedule": 60.0,
    },
    # Daily walk reminders, missed-logging nudges and the therapist digest, each due at a
    # local time; the delivery row per recipient and local day keeps each to one email.
    # Invitation emails that were never queued are queued again by the same pass.
    # PDFs still pending after their time limit (the broker was down when they were asked
    # for, or a worker died with them) are queued again: the document row is the truth.
    "documents-stale-sweep": {
        "task": "documents.tasks.documents_stale_sweep",
        "schedule": 2 * 60.0,
    },
    "notifications-reminders-dispatch": {
        "task": "notifications.tasks.reminders_dispatch",
        "schedule": 5 * 60.0,
    },
}
# Queues: everything on the default queue except PDFs, which get their own workers
# (prefetch 1, recycled processes: see docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_DEFAULT_QUEUE", default="celery")
PDF_QUEUE = env("CELERY_PDF_QUEUE", default="pdf")
# Tasks that render PDFs; clinic.celery.route_task sends them to PDF_QUEUE.
PDF_TASK_NAMES: frozenset[str] = frozenset({"documents.tasks.document_render"})
CELERY_TASK_ROUTES = ("clinic.celery.route_task",)

# Content Security Policy: no inline scripts anywhere; all JS is served from our static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step of every page at INFO: PDF workers keep its warnings.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Absolute links in emails (tasks have no request to build them from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# The transport of each Delivery.channel (notifications/channels/; README there).
NOTIFICATION_CHANNELS = {"email": "notifications.channels.email.EmailTransport"}
