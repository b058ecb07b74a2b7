# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
# `make run PORT=8014` when 8000 is taken.
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run test lint format messages worker beat clean

# Re-runs only when pyproject.toml or uv.lock changed, so `make run` starts at once next time.
$(VENV)/.installed: pyproject.toml uv.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on PATH)." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --inexact --python $(PY)
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -n auto

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Collect new strings into the catalogues, then translate them and run `make messages` again.
messages: install
	$(PY) manage.py makemessages --no-location --no-obsolete -l nb -l nn -i '.venv/*' -i 'staticfiles/*' -i 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'locale_vendor/*'

# A worker and beat need a broker: set REDIS_URL. Without it tasks run inside the web process.
worker: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL first; without it tasks run eagerly and need no worker." >&2; exit 1; }
	$(VENV)/bin/celery -A kulturskole worker --loglevel=info

beat: install
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL first; without it tasks run eagerly and need no beat." >&2; exit 1; }
	mkdir -p var
	$(VENV)/bin/celery -A kulturskole beat --loglevel=info --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
