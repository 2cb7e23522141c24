# Stride: the verbs a developer needs. `make run` for the demo, `make test` for the suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format worker beat migrations-check deploy-check install clean

# Runtime (requirements.txt) and tests and tools (requirements-dev.txt, which includes it).
# The Docker image installs requirements.txt only.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## The demo: SQLite, tasks in process, emails on the console, demo clinic loaded.
run: $(STAMP)
	DJANGO_SETTINGS_MODULE=clinic.settings.local $(BIN)/python manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=clinic.settings.local $(BIN)/python manage.py seed_demo
	DJANGO_SETTINGS_MODULE=clinic.settings.local $(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole suite: SQLite unless DATABASE_URL is set; worker tests need REDIS_URL.
test: $(STAMP)
	$(BIN)/python -m pytest

## Style, templates and the layer rule (.importlinter: imports never go up a layer).
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: $(STAMP)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-clinic.settings.local} CELERY_TASK_ALWAYS_EAGER=0 \
		$(BIN)/celery -A clinic worker -Q celery,pdf --loglevel=INFO

beat: $(STAMP)
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-clinic.settings.local} \
		$(BIN)/celery -A clinic beat --loglevel=INFO

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=clinic.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

## `check --deploy` under production settings with dummy values.
deploy-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=clinic.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		DATABASE_URL=postgres://stride@127.0.0.1/stride ALLOWED_HOSTS=stride.example.org \
		EMAIL_URL=smtp://mail.example.org:587 DEFAULT_FROM_EMAIL=stride@example.org \
		REDIS_URL=redis://127.0.0.1:6379/0 \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache
