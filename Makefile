# Two commands: `make run` serves the app, `make test` runs the suite. Both set up first.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell scripts/find-python)
INSTALLED := $(VENV)/.installed
MANAGE := $(PY) manage.py

.PHONY: setup run serve test bench lint messages translations pdf-libraries clean quality-tools css

$(INSTALLED): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { scripts/find-python; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	@touch $@

translations: $(INSTALLED)
	@scripts/ensure-debian-packages msgfmt gettext
	$(MANAGE) compilemessages --ignore=.venv --verbosity=0

# WeasyPrint's system libraries (Pango; HarfBuzz's subsetter, without which it warns on import).
pdf-libraries:
	@scripts/ensure-debian-packages libpangoft2-1.0.so.0 libpangoft2-1.0-0
	@scripts/ensure-debian-packages libharfbuzz-subset.so.0 libharfbuzz-subset0

setup: $(INSTALLED) translations pdf-libraries
	$(MANAGE) migrate --noinput --verbosity=0
	$(MANAGE) load_instrument
	$(MANAGE) load_catalogue
	$(MANAGE) collectstatic --noinput --verbosity=0

run: setup
	@echo "Demo results:"
	@$(MANAGE) load_demo
	@$(MANAGE) load_demo_cohort
	@$(MANAGE) refresh_benchmarks
	@echo "Ruta Digital: http://127.0.0.1:8000/es/ (Spanish), http://127.0.0.1:8000/en/ (English)"
	$(MANAGE) runserver 127.0.0.1:8000

# The production processes (gunicorn, Celery worker and beat, see Procfile) against
# PostgreSQL and Redis: .env when present, else the local services.
serve: $(INSTALLED)
	scripts/serve

# A worker per core (pytest-xdist), each with its own database; the quality gates and the
# browser journeys each stay on one worker. PYTEST_PARALLEL= runs the suite in one process.
PYTEST_PARALLEL ?= --numprocesses=auto --dist=loadgroup

test: $(INSTALLED) translations pdf-libraries lint quality-tools
	@scripts/ensure-debian-packages chromium chromium
	$(PY) -m pytest $(PYTEST_PARALLEL)

# The quality gates' npm tools (Nu HTML checker, axe-core, Lighthouse), pinned by
# tools/quality/package-lock.json; reinstalled when the lock file changes.
QUALITY_TOOLS := tools/quality/node_modules/.installed

$(QUALITY_TOOLS): tools/quality/package.json tools/quality/package-lock.json
	@scripts/ensure-debian-packages npm npm
	@scripts/ensure-debian-packages java openjdk-17-jre-headless
	cd tools/quality && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

quality-tools: $(QUALITY_TOOLS)

# Bootstrap cut down to the rules the pages use (static/css/bootstrap.purged.css, committed): run it
# after using a Bootstrap class no page used before; the page-weight test says when.
css: $(INSTALLED) $(QUALITY_TOOLS)
	scripts/purge-css

bench: setup
	@scripts/ensure-debian-packages chromium chromium
	$(PY) scripts/bench.py

# 50 simulated owners at once through gunicorn, PostgreSQL, Redis and a Celery worker, on
# loopback; prints the figures and checks that nothing was lost (see scripts/loadtest.py).
.PHONY: loadtest
loadtest: $(INSTALLED) translations
	$(PY) scripts/loadtest.py

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Refreshes locale/es after strings change; translate the new entries, then commit.
messages: $(INSTALLED)
	$(MANAGE) makemessages --locale=es --ignore=.venv --ignore=var --no-obsolete

clean:
	rm -rf $(VENV) var

# Regenerates the README's gallery: the browser journeys photograph each page type.
.PHONY: screenshots
screenshots: $(INSTALLED) translations
	@scripts/ensure-debian-packages chromium chromium
	rm -f docs/screenshots/*.png
	SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/browser -q
