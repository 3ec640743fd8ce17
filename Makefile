# The two commands of the Quickstart are `make run` and `make test`; the rest are for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# compat editable mode puts the checkout on sys.path, so a new top-level package needs no reinstall
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e . --config-settings editable_mode=compat
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]' --config-settings editable_mode=compat
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate the default SQLite database, load the demo data once, serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/gigplatform migrate
	$(BIN)/gigplatform demo
	$(BIN)/gigplatform serve --host $(HOST) --port $(PORT)

## make test: install what tests need and run the whole suite
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make messages: re-extract the page texts and update the Chinese and English catalogs
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -l zh_Hans --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -l en --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
