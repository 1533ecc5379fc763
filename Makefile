# Sif: `make run` starts Sif with demo data on SQLite; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench translations assets clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Set-up and demo data (kept on a second run), then Sif's main job: the web app with its
# embedded timer scheduler, at http://127.0.0.1:5000/ (PORT=… to change).
PORT ?= 5000
run: $(STAMP)
	SIF_DATABASE_URL=$${SIF_DATABASE_URL:-sqlite:///instance/sif.db} $(BIN)/sif init --demo
	SIF_DATABASE_URL=$${SIF_DATABASE_URL:-sqlite:///instance/sif.db} $(BIN)/sif serve --port $(PORT)

# The suite runs in parallel (pytest-xdist): one worker per core, each with its own PostgreSQL
# cluster and Chromium. --dist loadfile keeps each test file on one worker, so what a module
# builds once (the demo fund, a live server) is built once. PYTEST_XDIST_AUTO_NUM_WORKERS=…
# sets the number of workers; `pytest` alone (a file, a -k) runs serially as before.
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -q -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check engine tasks web tests bench
	$(BIN)/ruff format --check engine tasks web tests bench

typecheck: $(STAMP)
	$(BIN)/mypy engine tasks web

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

bench: $(STAMP)
	$(BIN)/python bench/complete_task.py

# The English catalog (web/translations/en; Swedish is the source language): extract the marked
# texts of web/ (babel.cfg), merge them into messages.po, compile messages.mo. Translate what
# is new (empty or fuzzy) and run it again; messages.po and messages.mo are both committed.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --add-location=file --no-wrap \
		--project=Sif --version=0.1.0 -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-wrap \
		--ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d web/translations --statistics

# The front-end bundles under web/static/ (process maps, the modeller, the DMN editor, axe-core
# for the browser tests), rebuilt from the pinned npm packages (package-lock.json). The built
# files are committed, so `make run` and `make test` need no npm; run this after changing
# web/frontend/ or package.json.
assets:
	npm ci --no-audit --no-fund
	npm run vendor
	npm run build

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
