# The README's two commands are `make run` (set up and start with demo data) and
# `make test` (the whole suite). Everything else here is a step of those or a
# convenience for running the worker and beat against Redis.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
ADDR ?= 127.0.0.1:8000

ASSETS := static/dist/.built-$(shell cksum package-lock.json static/scss/app.scss scripts/copy-assets.mjs | cksum | cut -d' ' -f1)

.PHONY: install assets run setup test check lint worker beat migrate demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# GOV.UK Frontend from npm, compiled with the service's own settings into static/dist.
$(ASSETS): package-lock.json static/scss/app.scss scripts/copy-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	rm -f static/dist/.built-*
	touch $(ASSETS)

assets: $(ASSETS)

## Set up a fresh machine and start the app with demo data (SQLite, e-mail to the console).
run: setup
	$(BIN)/python manage.py runserver $(ADDR)

setup: install assets migrate demo

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	$(BIN)/python manage.py load_demo

## The whole test suite (SQLite unless DATABASE_URL is set).
test: install assets
	$(BIN)/pytest

## Lint and check that no model change is missing its migration.
check: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

lint: check

## With REDIS_URL set: a Celery worker, and (in another terminal) the one beat.
worker: install
	$(BIN)/celery -A config worker --loglevel INFO --concurrency 2

beat: install
	$(BIN)/celery -A config beat --loglevel INFO

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache node_modules static/dist
