# wuxiao — every target installs what it needs first (see README).
SHELL := /bin/bash
export UV_PYTHON ?= 3.11
export UV_LINK_MODE ?= copy
# Recursive (=) so that uv is looked up after deps-uv may have installed it.
UV = $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY = $(UV) run --frozen python
PYTEST_WORKERS ?= 2
PG_URL ?= postgres://postgres@127.0.0.1:5432/wuxiao
HOST ?= 127.0.0.1
PORT ?= 8000
APT_RUN := fonts-noto-cjk gettext
APT_TEST := chromium poppler-utils

# Where the server answers: 127.0.0.1 when it listens on every interface.
LOCAL_HOST = $(if $(filter 0 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))

.PHONY: run serve install install-test deps-apt deps-apt-test deps-pg-client deps-uv deps-python deps-npm messages \
        migrate demo test test-pg pg-up bench clean-db

run: install migrate serve

# The web server, and beside it the background worker (django-tasks-db), which stops with it. Once
# the server answers, the demo is loaded (nothing is duplicated) and its logins and the site's address
# are the last lines printed; the worker starts after it, so that it never waits for the demo's long
# SQLite transaction. HOST and PORT reach the settings: SITE_URL follows them unless it is set.
serve:
	@export HOST=$(HOST) PORT=$(PORT) DJANGO_RUNSERVER_HIDE_WARNING=true; \
	{ until (exec 3<>/dev/tcp/$(LOCAL_HOST)/$(PORT)) 2>/dev/null; do sleep 0.3; done; $(PY) manage.py load_demo; \
	  exec $(PY) manage.py db_worker --no-reload --interval 1; } & background=$$!; \
	trap "kill $$background 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver --skip-checks $(HOST):$(PORT)

install: deps-apt deps-uv deps-python deps-npm messages

install-test: install deps-apt-test

# Debian packages: CJK fonts for PDFs, gettext for the catalogues (and chromium for browser tests).
deps-apt:
	@missing=""; for p in $(APT_RUN); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

deps-apt-test:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# pg_dump/pg_restore, for `manage.py backup`/`restore` on PostgreSQL (and their tests).
deps-pg-client:
	@command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 || \
	  (echo "apt-get install postgresql-client"; apt-get update -qq && \
	   DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client)

deps-uv:
	@command -v uv >/dev/null 2>&1 || [ -x $(HOME)/.local/bin/uv ] || python3 -m pip install --quiet uv \
	  || python3 -m pip install --quiet --break-system-packages uv \
	  || (apt-get update -qq && apt-get install -y -qq python3-pip && python3 -m pip install --quiet --break-system-packages uv)

deps-python:
	@$(UV) sync --frozen --quiet

deps-npm:
	@command -v npm >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi

messages:
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate:
	@$(PY) manage.py migrate --no-input -v 0

demo:
	@$(PY) manage.py load_demo

test: install-test
	$(UV) run --frozen pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Same suite on PostgreSQL (DATABASE_URL, default the local server).
test-pg: install-test deps-pg-client pg-up
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(UV) run --frozen pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

pg-up:
	@pg_isready -q -h 127.0.0.1 -p 5432 || (pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2)

bench: install
	$(UV) run --frozen python bench/run.py

clean-db:
	rm -f var/wuxiao.sqlite3*
