# The two promises to a newcomer: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
TRANSLATIONS := learningpack/translations

.PHONY: run test coverage lint format bench install install-test translations extract-messages dist install-check clean

# A virtualenv with the app (and, for tests, the test tools). uv when present, pip otherwise.
$(VENV)/.installed-run: pyproject.toml
	@if command -v uv >/dev/null 2>&1; then \
	  uv venv -q --allow-existing $(VENV) && uv pip install -q --python $(PY) -e .; \
	else \
	  python3 -m venv $(VENV) && $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e .; \
	fi
	@touch $@

$(VENV)/.installed-test: pyproject.toml
	@if command -v uv >/dev/null 2>&1; then \
	  uv venv -q --allow-existing $(VENV) && uv pip install -q --python $(PY) -e '.[test]'; \
	else \
	  python3 -m venv $(VENV) && $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e '.[test]'; \
	fi
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run translations
install-test: $(VENV)/.installed-test translations node_modules/axe-core/axe.min.js

# Compiled message catalogues are build output, not source.
translations: $(VENV)/.installed-run
	@$(VENV)/bin/pybabel compile -d $(TRANSLATIONS)

extract-messages: $(VENV)/.installed-run
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

# axe-core for the accessibility scan in the browser tests (npm registry, pinned by the lock file).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

run: install
	@mkdir -p instance
	@$(FLASK) db upgrade
	@$(FLASK) demo seed --if-empty
	@echo ""
	@echo "Læringspakken kører på http://$(HOST):$(PORT)/  (Ctrl+C stopper)"
	@$(FLASK) run --host $(HOST) --port $(PORT)

# Three workers on two cores (browser, PostgreSQL and gunicorn tests wait as much as they compute).
# Every test runs on SQLite; the SQL-sensitive ones (marked both_backends or postgres) also on
# PostgreSQL. loadgroup: tests marked xdist_group stay on one worker (tests/ops/test_production.py
# shares one deployment of two gunicorn nodes); the rest are spread as before. The 25 slowest are
# printed. Coverage tracing made the suite a third slower, past CI's time: `make coverage` measures
# it (and fails below the floor in pyproject.toml).
PYTEST_ARGS ?= -n 3 --dist loadgroup --durations=25

test: install-test
	@$(PY) -m pytest $(PYTEST_ARGS)

coverage: install-test
	@$(PY) -m pytest -n 3 --dist loadgroup --cov=learningpack --cov-report=term:skip-covered

lint: $(VENV)/.installed-test
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/mypy learningpack

format: $(VENV)/.installed-test
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

# The national data set and the numbers DESIGN.md §8 budgets (not part of make test or CI).
# SQLite by default; BENCH_DATABASE_URL=postgresql://… benchmarks PostgreSQL in its own database.
bench: install
	@$(PY) bench/run.py $(BENCH_ARGS)

# A wheel in dist/ (the build compiles the catalogues; see setup.py).
dist: $(VENV)/.installed-run
	@uv build --wheel --quiet --out-dir dist

# The non-editable install serves: the wheel into a new venv, then /login from outside the checkout.
INSTALL_CHECK := $(abspath build/install-check)
install-check: dist
	@rm -rf $(INSTALL_CHECK) && mkdir -p $(INSTALL_CHECK)
	@uv venv -q $(INSTALL_CHECK)/venv
	@uv pip install -q --python $(INSTALL_CHECK)/venv/bin/python dist/learningpack-*.whl
	@cd $(INSTALL_CHECK) && DATABASE_URL=sqlite:///$(INSTALL_CHECK)/app.sqlite \
	  venv/bin/flask --app learningpack.wsgi db upgrade >/dev/null 2>&1
	@cd $(INSTALL_CHECK) && DATABASE_URL=sqlite:///$(INSTALL_CHECK)/app.sqlite venv/bin/python -c \
	  'from learningpack.wsgi import app; r = app.test_client().get("/login"); \
	  assert r.status_code == 200 and b"<form" in r.data, r.status; print("installed app serves /login")'

clean:
	rm -rf $(VENV) node_modules instance/learningpack.sqlite build dist
