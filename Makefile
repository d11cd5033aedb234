# kuzet: `make run` serves the app with demo data, `make test` runs the tests, `make stop` stops the
# project-local PostgreSQL. The shell work lives in scripts/pg.sh; this file only orders the steps.
# `make messages` extracts the strings to translate; `make translations` compiles the catalogues
# (both `make run` and `make test` do it).
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
PYBABEL ?= $(VENV)/bin/pybabel
# Catalogues: messages.pot, and one messages.po per language (ru and kk from the translators).
TRANSLATIONS := web/translations
POT := $(TRANSLATIONS)/messages.pot
LOCALES := ru kk en
PO_FILES = $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES = $(PO_FILES:.po=.mo)
export PYTHON

# scripts/pg.sh knows the defaults, KUZET_PG_PORT and a user's own KUZET_DATABASE_URL.
db_url = $(shell $(PG) url)
test_db_url = $(or $(KUZET_TEST_DATABASE_URL),$(shell $(PG) url kuzet_test))
test_demo_db_url = $(or $(KUZET_TEST_DEMO_DATABASE_URL),$(shell $(PG) url kuzet_test_demo))

.PHONY: help run test stop venv venv-test packages packages-test messages translations

help:
	@echo 'make run   - set up everything, load the demo data, serve on http://127.0.0.1:5000'
	@echo 'make test  - set up everything, run the tests (PYTEST_ARGS=... to pass options)'
	@echo 'make stop  - stop the project-local PostgreSQL cluster'
	@echo 'make messages     - extract the strings to translate into $(POT), update each language'"'"'s catalogue'
	@echo 'make translations - compile every catalogue (.po to .mo)'

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

venv: $(RUN_STAMP) translations

venv-test: $(TEST_STAMP) translations

# The strings of geo/, web/ (Python and templates) and web/static/*.js (babel.cfg); N_ and NP_ mark
# msgids in geo/ without translating them. A language without a catalogue gets one (pybabel init,
# its header not left fuzzy, so it compiles); an existing one is updated.
messages:
	mkdir -p $(TRANSLATIONS)
	$(PYBABEL) extract -F babel.cfg -k N_ -k NP_:1,2 -k lazy_gettext -k _l \
	  --sort-output --add-location=file -o $(POT) .
	for lang in $(LOCALES); do \
	  po=$(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po; \
	  if [[ -f $$po ]]; then \
	    $(PYBABEL) update -i $(POT) -d $(TRANSLATIONS) -l $$lang; \
	  else \
	    $(PYBABEL) init -i $(POT) -d $(TRANSLATIONS) -l $$lang; \
	    sed -i '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' $$po; \
	  fi; \
	done

# Every catalogue present is compiled; one pybabel would skip (marked fuzzy) stops the build instead.
translations: $(MO_FILES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	rm -f $@
	$(PYBABEL) compile --statistics -l $* -i $< -o $@
	[[ -f $@ ]] || { echo "make translations: $< was not compiled (its header is marked fuzzy?)" >&2; exit 1; }

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
