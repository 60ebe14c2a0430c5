# Two commands on a fresh machine (Python 3.11+ and pip; node and npm for the query page's editor, else a plain one):
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

# the SPARQL editor of the query page: pinned in web/package-lock.json, copied into the package (not into git)
VENDOR := src/ipgraph/server/static/vendor/yasgui.min.js
$(VENDOR): web/package.json web/package-lock.json | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --prefix web >/dev/null && $(BIN)/python -m ipgraph.server.vendor; \
	else echo "setup: npm is missing (Debian: apt-get install nodejs npm): the query page keeps its plain editor"; fi

setup: $(STAMP) $(VENDOR)

run: setup
	$(BIN)/ipgraph build
	$(BIN)/ipgraph query cq-01-ip-criminal-cases-and-perpetrators

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: $(STAMP)
	bash scripts/system-deps
	$(MAKE) --no-print-directory setup
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest

docs: $(STAMP)
	$(BIN)/ipgraph docs

dist: setup   # the sdist and the wheel (with the ontology, data and queries bundled) into dist/
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf build dist $(VENV) .pytest_cache .mypy_cache .ruff_cache
