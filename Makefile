# Migralex: `make run` serves the product, `make test` runs every check. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: install run test lint format typecheck test-fast clean-venv

install: $(STAMP)

$(STAMP): pyproject.toml scripts/system-packages.txt
	@scripts/install-system-packages scripts/system-packages.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	PORT=$(PORT) $(BIN)/migralex serve

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

typecheck: install
	$(BIN)/mypy src

test: install
	@scripts/install-system-packages scripts/test-packages.txt
	$(MAKE) --no-print-directory lint
	DJANGO_SETTINGS_MODULE=migralex.config.settings.test $(BIN)/migralex manage makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -x -q -m "not corpus and not browser and not slow" $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
