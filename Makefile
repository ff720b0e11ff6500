# tnr-graph: `make run` sets up, loads the sample into the embedded store and serves the app;
# `make test` sets up and runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TNR := $(VENV)/bin/tnr
DB ?= data/tnr.lbug
PORT ?= 8501

.PHONY: setup sample run test lint docs templates neo4j-start neo4j-stop clean bench bench-quick

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

sample: setup
	$(TNR) ingest data/sample --db $(DB)

run: sample
	$(TNR) app --db $(DB) --port $(PORT)

test: setup
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check graph ingest queries tests app.py app_pages bench

docs: setup
	$(TNR) schema markdown --write docs/schema.md
	$(PY) -c "from pathlib import Path; from graph.analysis import with_columns_section as w; \
	p = Path('docs/analyses.md'); p.write_text(w(p.read_text(encoding='utf-8')), encoding='utf-8')"

templates: setup
	$(TNR) template data/templates

# Benchmarks (never part of `make test`): bench/results/*.json and BENCHMARKS.md's generated section.
bench: setup
	$(PY) bench/run.py

bench-quick: setup
	$(PY) bench/run.py --quick

neo4j-start: setup
	$(TNR) neo4j start

neo4j-stop:
	$(TNR) neo4j stop

clean:
	rm -rf $(DB) $(DB).lock $(DB).wal rejects.jsonl .pytest_cache dist build

# Sample plus the external datasets (docs/external-data.md), then the app. EXTERNAL is where they are.
EXTERNAL ?= ../shared/data/external
.PHONY: run-external
run-external: setup
	$(TNR) ingest data/sample $(EXTERNAL) --db $(DB) || test $$? -eq 1
	$(TNR) app --db $(DB) --port $(PORT)
