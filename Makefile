# accord — two commands on a fresh machine with only Python 3.11+ and make:
#   make demo   create .venv, install accord, run the brief on the bundled Miami scenario
#   make test   create .venv if needed, install the dev, service and scale extras; lint (ruff) and type
#               check (mypy) as gates, then run the test suite
#   make serve  the negotiation service on http://127.0.0.1:8000 (data in ./accord-data)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo serve test lint types bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,service,scale]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/accord demo

serve: $(STAMP)
	$(BIN)/accord serve

# the gates: the project's ruff and mypy configuration (pyproject.toml) must report nothing
lint: $(STAMP)
	$(BIN)/ruff check .

types: $(STAMP)
	$(BIN)/mypy

test: lint types
	ACCORD_GATES_RAN=1 $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,service,scale,bench]'
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache brief
