# Chorus: `make demo` sets everything up and serves http://127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell ./scripts/find-python.sh)
VENV := .venv
PY := $(VENV)/bin/python
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
LOCAL_ENV = CHORUS_LOCAL_HTTP=1 CHORUS_2FA_ROLES= SECRET_KEY="$$(cat var/secret_key)"
# One thread per test process: two runs of two workers each already fill the two cores.
TEST_ENV = OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# pytest-xdist: one worker per core (one more was slower: 12 min 45 s against 11 min 29 s on SQLite); each
# has its own test database (test_*_gw0, ...) and temporary folders. A module's tests stay on one worker, so
# a module-scoped fixture (the demo, a lookup) is built once.
PYTEST_WORKERS ?= auto
PYTEST = $(VENV)/bin/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadscope --durations=10

.PHONY: install demo serve test test-sqlite test-postgres test-postgres-all lint bench clean

NHSUK_CSS := var/build/static/nhsuk-chorus.min.css

install: $(VENV)/.installed node_modules/.installed $(NHSUK_CSS) .system-deps

# Exact versions with their hashes from requirements.lock (./scripts/lock.sh writes it from pyproject.toml),
# then Chorus itself without resolving anything; check-lock.py fails if the lock lacks a pyproject.toml change.
$(VENV)/.installed: pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { ./scripts/find-python.sh; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) scripts/check-lock.py dev
	touch $@

$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-bench.lock
	$(PY) scripts/check-lock.py dev bench
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The NHS.UK stylesheet without the remote Frutiger font (see the .scss for why).
$(NHSUK_CSS): chorus/apps/core/scss/nhsuk.scss node_modules/.installed
	mkdir -p $(dir $@)
	node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules --quiet-deps $< $@

.system-deps: scripts/system-deps.sh
	./scripts/system-deps.sh
	touch $@

var/secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# The demo data: `manage.py load_demo` (chorus/apps/demo) writes it through the apps' actions, audited.
demo: install var/secret_key
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput -v0
	$(LOCAL_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(LOCAL_ENV) $(PY) manage.py load_demo
	$(MAKE) --no-print-directory serve

serve: var/secret_key
	@echo "Serving Chorus at http://127.0.0.1:8000 (Ctrl+C stops it)"
	$(LOCAL_ENV) $(PY) -m chorus worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(LOCAL_ENV) $(PY) manage.py runserver 127.0.0.1:8000 --noreload

lint: install
	$(VENV)/bin/ruff check chorus tests bench scripts

# The SQLite and PostgreSQL runs go side by side: each waits at times (browsers, servers, worker processes,
# the database), and the other fills the cores meanwhile. Each line says which run it comes from.
test: install lint
	@$(MAKE) --no-print-directory -j2 test-sqlite test-postgres

test-sqlite: install
	@echo "== tests on SQLite"
	@set -o pipefail; $(TEST_ENV) $(PYTEST) 2>&1 | sed -u 's/^/[sqlite] /'

# On PostgreSQL, `make test` runs the apps whose queries, locks, migrations and workers depend on the database
# (coding, dashboards, imports, contributions, the site and its workers) and every test that says PostgreSQL;
# the views and pages above them run on SQLite, which keeps `make test` under 15 minutes.
# `make test-postgres-all` runs every app test on PostgreSQL. Browser tests are left to the SQLite run.
POSTGRES_DIRS = tests/apps/coding tests/apps/insight tests/apps/imports tests/apps/engagement tests/apps/site \
	tests/apps/core
POSTGRES_TESTS = $(POSTGRES_DIRS) $(filter-out $(addsuffix /%,$(POSTGRES_DIRS)), \
	$(shell grep -rlE "vendor|postgres|PostgreSQL|DATABASE_URL" tests/apps --include='test_*.py'))
test-postgres: install
	@echo "== Django tests on PostgreSQL ($(POSTGRES_URL)): the database-dependent apps"
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1; }
	@set -o pipefail; DATABASE_URL=$(POSTGRES_URL) $(TEST_ENV) $(PYTEST) -m "not browser" $(sort $(POSTGRES_TESTS)) \
		2>&1 | sed -u 's/^/[postgresql] /'

test-postgres-all: install
	@echo "== every app test on PostgreSQL ($(POSTGRES_URL)), browser tests left to the SQLite run"
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1; }
	DATABASE_URL=$(POSTGRES_URL) $(TEST_ENV) $(PYTEST) -m "not browser" tests/apps

bench: install $(VENV)/.bench-installed
	for script in bench/[a-z]*.py; do $(PY) -m bench.$$(basename $$script .py) || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles .system-deps var/lock-tools
