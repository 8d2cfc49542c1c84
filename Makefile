# Lumbung — quick start:
#   make demo    install into .venv, migrate the embedded SQLite database, load the demo, serve :8000
#   make test    install the test dependencies and run the whole test suite
# Both are safe to run again. Variables: PYTHON, HOST, PORT, DATA_DIR, PYTEST_ARGS (default: -n auto,
# one test worker per core).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA_DIR_ARG := $(if $(DATA_DIR),--data-dir $(DATA_DIR),)
PYTEST_ARGS ?= -n auto

.PHONY: demo serve test lint install install-test messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: $(VENV)/.installed
	$(BIN)/lumbung demo --host $(HOST) --port $(PORT) $(DATA_DIR_ARG)

serve: $(VENV)/.installed
	$(BIN)/lumbung serve --host $(HOST) --port $(PORT) $(DATA_DIR_ARG)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/lumbung makemigrations --check --dry-run

messages: $(VENV)/.installed-test
	cd src/lumbung && ../../$(BIN)/lumbung makemessages -l id --no-obsolete --no-location && ../../$(BIN)/lumbung compilemessages -l id

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
