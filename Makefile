# Stride: the verbs a developer needs. `make run` for the demo, `make test` for the suite.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format worker beat migrations-check deploy-check install clean css css-check

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

## Stride's Bootstrap (static/css/bootstrap-stride.css): the parts of Bootstrap the templates
## use, built from Bootstrap's Sass (frontend/bootstrap-stride.scss) with the npm packages
## pinned in package-lock.json. Needs Node.js and npm; the built file is committed, so
## `make run` and the Docker image need neither. Run it after changing the .scss, and commit.
NPM ?= npm
NODE_STAMP := node_modules/.installed
STRIDE_SCSS := frontend/bootstrap-stride.scss
STRIDE_BOOTSTRAP_CSS := static/css/bootstrap-stride.css
# --quiet-deps: Bootstrap's own Sass (a load path) warns about dart-sass deprecations.
SASS := node_modules/.bin/sass --load-path=node_modules/bootstrap/scss --style=compressed \
	--no-source-map --quiet-deps

# Exact versions from package-lock.json; no install scripts and no optional packages (the
# file watchers of sass's dependencies) for a one-off build.
$(NODE_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null || { echo "make css needs Node.js and npm." >&2; exit 1; }
	$(NPM) ci --omit=optional --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

css: $(NODE_STAMP)
	$(SASS) $(STRIDE_SCSS) $(STRIDE_BOOTSTRAP_CSS)

## CI: the committed CSS is byte for byte what the Sass source builds.
css-check: $(NODE_STAMP)
	@built=$$(mktemp --suffix=.css) && $(SASS) $(STRIDE_SCSS) $$built \
		&& if cmp -s $$built $(STRIDE_BOOTSTRAP_CSS); then rm -f $$built; \
		echo "$(STRIDE_BOOTSTRAP_CSS) matches $(STRIDE_SCSS)."; \
		else rm -f $$built; echo "$(STRIDE_BOOTSTRAP_CSS) is not what $(STRIDE_SCSS) builds:" \
		"run 'make css' and commit the result." >&2; exit 1; fi

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache
