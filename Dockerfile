# Stride for production-like runs (docker-compose.yml): gunicorn web, celery workers and beat
# all run from this one image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders PDFs with pango/harfbuzz and needs real fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system stride \
    && useradd --system --gid stride --create-home --home-dir /home/stride --shell /usr/sbin/nologin stride

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files go into the image. Production settings insist on every setting, so give them
# dummies: nothing here connects to a database, broker or mail server.
RUN DJANGO_SETTINGS_MODULE=clinic.settings.production \
    SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret-0123456789 \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    ALLOWED_HOSTS=localhost \
    EMAIL_URL=consolemail:// \
    DEFAULT_FROM_EMAIL=build@localhost \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

# Generated PDFs (a shared volume in compose) and beat's schedule file: writable by the app.
RUN mkdir -p /data/media /data/beat && chown -R stride:stride /data

USER stride
ENV DJANGO_SETTINGS_MODULE=clinic.settings.production \
    MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "clinic.wsgi:application", "--bind=0.0.0.0:8000", "--access-logfile=-"]
