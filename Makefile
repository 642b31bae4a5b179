PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check indexer graph ui tests tools
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check indexer graph ui tests

clean:
	rm -rf $(VENV)
