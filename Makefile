# The README's two commands are `make run` (set up and start with demo data) and
# `make test` (the whole suite). Everything else here is a step of those or a
# convenience for running the worker and beat against Redis.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
ADDR ?= 127.0.0.1:8000

ASSETS := static/dist/.built-$(shell cksum package-lock.json static/scss/app.scss scripts/copy-assets.mjs | cksum | cut -d' ' -f1)

.PHONY: install assets chromium pango run setup test check lint worker beat worker-and-beat reminders \
	benchmark-reminders migrate demo clean audit

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

setup: install pango assets migrate demo

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	$(BIN)/python manage.py load_demo

## The whole test suite (SQLite unless DATABASE_URL is set), browser tests included.
test: install assets chromium pango
	$(BIN)/pytest

## Debian's Chromium, which the browser tests (tests/browser/) drive through Playwright.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && apt-get install -y chromium; \
		else \
			echo "The browser tests need Debian's chromium package and will be skipped without it:"; \
			echo "    sudo apt-get update && sudo apt-get install -y chromium"; \
		fi; \
	}

## Debian's Pango, which WeasyPrint needs to lay out the committee packs' PDFs
## (with the system's fonts).
pango:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0; \
		else \
			echo "Committee pack PDFs need Debian's Pango:"; \
			echo "    sudo apt-get update && sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"; \
		fi; \
	}

## Lint and check that no model change is missing its migration.
check: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

lint: check

## Security scans. bandit over the code: any finding fails (one that is safe is
## marked `# nosec BXXX` beside the reason). Then known vulnerabilities in the
## installed Python packages and the front-end packages: any fails, and packages
## whose vulnerability data could not be reached are named on a "NOT AUDITED" line
## (scripts/audit_dependencies.py; AUDIT_REQUIRE_DATA=1 makes that a failure too).
audit: install
	$(BIN)/bandit --quiet --recursive config accounts inspections findings measures actions progress \
		--exclude '*/migrations/*,*/tests/*'
	$(BIN)/python scripts/audit_dependencies.py

## With REDIS_URL set: a Celery worker, and (in another terminal) the one beat.
## `make worker-and-beat` runs both in one process, for a single machine.
worker: install
	$(BIN)/celery -A config worker --loglevel INFO --concurrency 2

beat: install
	$(BIN)/celery -A config beat --loglevel INFO

worker-and-beat: install
	$(BIN)/celery -A config worker --beat --loglevel INFO --concurrency 2

## Without Celery (the embedded default, or cron at 07:00 on weekdays): today's reminder digests.
reminders: install
	$(BIN)/python manage.py send_reminders

## On PostgreSQL (DATABASE_URL): time the reminder sweep over 10,000 and 100,000 actions.
benchmark-reminders: install
	$(BIN)/python manage.py benchmark_reminders

## On PostgreSQL and Redis (DATABASE_URL, REDIS_URL, a database kept for it): gunicorn,
## a Celery worker and beat, and locust with 50 people for 3 minutes; the worker is
## killed and restarted midway (scripts/loadtest.py). LOAD_TEST_ARGS="--users 10
## --duration 30s" for a quick trial.
.PHONY: load-test
load-test: install assets
	$(BIN)/python scripts/loadtest.py $(LOAD_TEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache node_modules static/dist
