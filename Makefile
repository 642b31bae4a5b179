PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/nianbao ingest data/reports
	$(BIN)/nianbao ui

test: $(STAMP)
	$(BIN)/ruff check indexer graph ui tests tools bench
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check indexer graph ui tests

clean:
	rm -rf $(VENV)
