# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Development mode unless the caller says otherwise; production refuses to start without
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and MFA_ENCRYPTION_KEY.
export DJANGO_DEBUG ?= true
export DJANGO_SETTINGS_MODULE := portal.settings

.PHONY: run test check lint format bench migrate seed worker messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

var:
	mkdir -p var/broker/queue var/broker/processed var/media var/cache

migrate: $(STAMP) var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo > var/demo-logins.txt && cat var/demo-logins.txt

# The web server and a real Celery worker (and beat), stopped together with Ctrl-C.
run: seed
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A portal worker --beat --loglevel INFO --concurrency 2 \
		--schedule var/celerybeat-schedule & \
	(sleep 8; printf '\n\nPortal: http://$(HOST):$(PORT)/\n'; cat var/demo-logins.txt) & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: $(STAMP) var
	$(BIN)/celery -A portal worker --loglevel INFO

test: $(STAMP) var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: lint test

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) var
	@for script in benchmarks/bench_*.py; do \
		[ -e "$$script" ] || continue; \
		$(BIN)/python "$$script" || exit 1; \
	done

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l da --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv'

clean:
	rm -rf var
