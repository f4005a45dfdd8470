# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs the runtime dependencies only; `make test` adds the
# development extras. --no-compile: bytecode is written when a module is first imported,
# not for all ~16,000 installed files up front; no pip self-upgrade or version check.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PIP := $(BIN)/pip --disable-pip-version-check --no-input
PIP_INSTALL := $(PIP) install --quiet --no-compile
HOST ?= 127.0.0.1
PORT ?= 8000

# Development mode unless the caller says otherwise; production refuses to start without
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and MFA_ENCRYPTION_KEY.
export DJANGO_DEBUG ?= true
export DJANGO_SETTINGS_MODULE := portal.settings
# Links in emails point at the server `make run` starts (`make run PORT=8100`), unless the
# caller names the public address.
export PORTAL_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-semantic check lint format bench migrate seed worker messages clean system show-env

# Missing system libraries (WeasyPrint's Pango/HarfBuzz, gettext, venv) are named with the
# command that installs them, or installed when run as root, before anything else fails.
system:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	@$(PYTHON) scripts/check_system.py

$(STAMP): pyproject.toml | system
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PIP_INSTALL) -e '.[dev]'
	touch $(DEV_STAMP)

var:
	mkdir -p var/broker/queue var/broker/processed var/media var/cache

migrate: $(STAMP) var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo > var/demo-logins.txt && cat var/demo-logins.txt

# The web server, a real Celery worker and beat, stopped together with Ctrl-C
# (scripts/run.py: every process it started ends, and make reports no error). Beat runs
# beside the worker, as in production: embedded in it (--beat), the worker's main process
# could hang after "beat: Shutting down".
WEB := $(BIN)/python manage.py runserver $(HOST):$(PORT)
WORKER := $(BIN)/celery -A portal --quiet worker --loglevel INFO --concurrency 2
BEAT := $(BIN)/celery -A portal --quiet beat --loglevel INFO --schedule var/celerybeat-schedule
run: system seed
	@$(BIN)/python scripts/run.py --wait-for $(HOST):$(PORT) --url $(PORTAL_SITE_URL)/ \
		--banner var/demo-logins.txt -- '$(WEB)' '$(WORKER)' '$(BEAT)'

# What make exports to the commands it runs (tests/test_running.py reads it).
show-env:
	@echo PORTAL_SITE_URL=$$PORTAL_SITE_URL

worker: $(STAMP) var
	$(BIN)/celery -A portal worker --loglevel INFO

test: system $(DEV_STAMP) var
	$(BIN)/pytest $(PYTEST_ARGS)

# The optional semantic model of affinity (the `semantic` extra: torch, CPU build, and
# sentence-transformers with all-MiniLM-L6-v2's weights, about 1 GB) lives in a venv of its
# own, so .venv and `make test` stay without it. Its tests, and the text-similarity tests
# with the model in place (they are skipped, or use TF-IDF alone, in `make test`).
SEM_VENV ?= .venv-semantic
SEM_STAMP := $(SEM_VENV)/.installed-semantic
SEMANTIC_TESTS := tests/assignment/matching/test_semantic.py \
	tests/assignment/matching/test_textsim.py tests/assignment/matching/test_affinity_text.py \
	tests/assignment/test_embeddings.py

$(SEM_STAMP): pyproject.toml | system
	test -d $(SEM_VENV) || $(PYTHON) -m venv $(SEM_VENV)
	$(SEM_VENV)/bin/pip --disable-pip-version-check --no-input install --quiet --no-compile \
		-e '.[dev,semantic]'
	touch $(SEM_STAMP)

test-semantic: system $(SEM_STAMP) var
	$(SEM_VENV)/bin/pytest $(SEMANTIC_TESTS) $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: lint test

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(DEV_STAMP) var
	@for script in benchmarks/bench_*.py; do \
		[ -e "$$script" ] || continue; \
		$(BIN)/python "$$script" || exit 1; \
	done

# Every catalogue under portal/locale (a language being translated too), not the glossaries.
LOCALES := $(filter-out glossary,$(notdir $(wildcard portal/locale/*)))

messages: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages $(foreach code,$(LOCALES),-l $(code)) --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python manage.py makemessages -d djangojs $(foreach code,$(LOCALES),-l $(code)) --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'static/vendor/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv'

clean:
	rm -rf var
