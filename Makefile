# Two commands on a fresh machine (Python 3.11+ and pip):
#   make          set up, build the graph, and answer a first question from it
#   make test     set up with the development tools and run every check and test (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run setup test lint clean docs dist
.DEFAULT_GOAL := run

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m compileall -q src   # cached bytecode even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/ipgraph build
	$(BIN)/ipgraph query cq-01-ip-criminal-cases-and-perpetrators

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: $(STAMP)
	bash scripts/system-deps
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/ipgraph docs

dist: $(STAMP)   # the sdist and the wheel (with the ontology, data and queries bundled) into dist/
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf build dist $(VENV) .pytest_cache .mypy_cache .ruff_cache
