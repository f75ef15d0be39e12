# `make run` and `make test` are the README's two commands; the rest is what they need.
# Every target can run again: make only redoes what is out of date.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
PORT ?= 8000
export PORT  # so links in emails (SITE_URL) point at the port `make run` serves on
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
MAKEMESSAGES := $(PY) manage.py makemessages -l da --no-location --no-obsolete \
	--ignore ".venv/*" --ignore ".tools/*" --ignore "node_modules/*" --ignore "tests/*"

.PHONY: run test install check format messages lock clean bench

## run: install, migrate, seed the demo data into an empty database, serve on 127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@echo
	@echo "  Demo logins (password: demo): koordinator, instruktor, koege, forening, boligsocial"
	@echo "  Open http://127.0.0.1:$(PORT)/"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: install and run the whole suite (DATABASE_URL picks PostgreSQL; REQUIRE_BROWSER=1 makes a missing Chromium an error)
# One worker per core (pytest-xdist); a worker that runs out of tests takes over the rest of another's.
TEST_WORKERS ?= auto
test: install
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## bench: time every page on the national-scale data set (PostgreSQL in DATABASE_URL; README, Benchmark)
SCALE ?= 1
BENCH_ENV := DJANGO_ENV=production DEBUG=0 SECRET_KEY=bench-only-not-secret \
	ALLOWED_HOSTS=127.0.0.1,testserver LOG_LEVEL=WARNING
bench: install
	@case "$${DATABASE_URL:-}" in postgres*) ;; \
		*) echo "Set DATABASE_URL to a PostgreSQL database of its own for the benchmark."; exit 1;; esac
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed_scale --if-empty --scale $(SCALE)
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(PY) -m bench $(BENCH_ARGS)

install: $(VENV)/.installed node_modules/.installed $(MO_FILES)

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: requirements.lock $(UV)
	$(UV) venv --quiet --allow-existing --python "$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(VENV)
	$(UV) pip sync --quiet --python $(PY) --compile-bytecode --require-hashes requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

%.mo: %.po
	msgfmt --check -o $@ $<

## check: lint, formatting, migrations and translations, as CI runs them
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	@for po in locale/*/LC_MESSAGES/*.po; do \
		stats=$$(msgfmt --statistics -o /dev/null "$$po" 2>&1); echo "$$po: $$stats"; \
		case "$$stats" in *untranslated*|*fuzzy*) echo "Translate every string in $$po."; exit 1;; esac; \
	done
	@msgcat --no-wrap --sort-output locale/da/LC_MESSAGES/django.po > $(VENV)/po.before
	@cp locale/da/LC_MESSAGES/django.po $(VENV)/po.saved
	@$(MAKEMESSAGES) >/dev/null
	@msgcat --no-wrap --sort-output locale/da/LC_MESSAGES/django.po > $(VENV)/po.after
	@mv $(VENV)/po.saved locale/da/LC_MESSAGES/django.po
	@diff -I '^"POT-Creation-Date' $(VENV)/po.before $(VENV)/po.after \
		|| { echo "locale/da is behind the code: run 'make messages' and translate."; exit 1; }

## format: apply ruff's fixes and formatting
format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: collect new strings into locale/da/LC_MESSAGES/django.po for translation
messages: install
	$(MAKEMESSAGES)

## lock: re-resolve requirements.lock after changing pyproject.toml
lock: $(UV)
	$(UV) pip compile pyproject.toml --group pyproject.toml:dev --generate-hashes --universal \
		--python-version 3.11 --no-header --quiet -o requirements.lock

clean:
	rm -rf $(VENV) .tools node_modules var $(MO_FILES)
