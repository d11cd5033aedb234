# kuzet: `make run` serves the app with demo data, `make test` runs the tests, `make stop` stops the
# project-local PostgreSQL. The shell work lives in scripts/pg.sh; this file only orders the steps.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
# The served venv gets the runtime dependencies only; the tests' extras come with `make test`.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
KUZET := $(VENV)/bin/kuzet
PG := scripts/pg.sh
CHROMIUM := /usr/bin/chromium
KUZET_SHARED_DATA ?= $(abspath ../shared/data)
PYTEST_ARGS ?=
export PYTHON

# scripts/pg.sh knows the defaults, KUZET_PG_PORT and a user's own KUZET_DATABASE_URL.
db_url = $(shell $(PG) url)
test_db_url = $(or $(KUZET_TEST_DATABASE_URL),$(shell $(PG) url kuzet_test))
test_demo_db_url = $(or $(KUZET_TEST_DEMO_DATABASE_URL),$(shell $(PG) url kuzet_test_demo))

.PHONY: help run test stop venv venv-test packages packages-test

help:
	@echo 'make run   - set up everything, load the demo data, serve on http://127.0.0.1:5000'
	@echo 'make test  - set up everything, run the tests (PYTEST_ARGS=... to pass options)'
	@echo 'make stop  - stop the project-local PostgreSQL cluster'

run: packages venv
	$(PG) start
	$(PG) createdb '$(db_url)'
	KUZET_DATABASE_URL='$(db_url)' $(KUZET) db upgrade
	KUZET_DATABASE_URL='$(db_url)' $(KUZET) demo --data-dir '$(KUZET_SHARED_DATA)'
	KUZET_DATABASE_URL='$(db_url)' exec $(KUZET) serve --host 127.0.0.1 --port 5000

test: packages-test venv-test
	$(PG) start
	$(PG) createdb '$(test_db_url)'
	$(PG) createdb '$(test_demo_db_url)'
	KUZET_TEST_DATABASE_URL='$(test_db_url)' \
	KUZET_TEST_DEMO_DATABASE_URL='$(test_demo_db_url)' \
	KUZET_SHARED_DATA='$(KUZET_SHARED_DATA)' \
	KUZET_CHROMIUM=$(CHROMIUM) \
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS) || { \
		status=$$?; \
		[[ $$status -ne 5 ]] || echo 'make test: pytest collected no tests' >&2; \
		echo "make test: pytest exited with $$status" >&2; \
		exit $$status; }

stop:
	$(PG) stop

packages:
	$(PG) ensure-packages

packages-test:
	$(PG) ensure-packages --chromium

venv: $(RUN_STAMP)

venv-test: $(TEST_STAMP)

make_venv = [[ -x $(VENV)/bin/python ]] || $(PYTHON) -m venv $(VENV)

# Each re-installs only when pyproject.toml is newer than its stamp.
$(RUN_STAMP): pyproject.toml
	$(make_venv)
	$(VENV)/bin/pip install -e .
	touch $@

$(TEST_STAMP): pyproject.toml
	$(make_venv)
	$(VENV)/bin/pip install -e '.[test]'
	touch $@
