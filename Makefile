# picket: two commands on a fresh machine, `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8

.PHONY: demo test lint format bench clean

$(VENV)/bin/uv:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The installed set is pinned by constraints.txt, so a fresh install is reproducible.
$(VENV)/.core: $(VENV)/bin/uv pyproject.toml constraints.txt
	$(UV) pip install --quiet --python $(PY) -c constraints.txt -e .
	touch $@

$(VENV)/.dev: $(VENV)/.core
	$(UV) pip install --quiet --python $(PY) -c constraints.txt -e '.[dev,opensearch,elasticsearch,airflow]'
	touch $@

demo: $(VENV)/.core
	$(VENV)/bin/picket demo

test: $(VENV)/.dev
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Runs every bench/*.py benchmark and writes their figures and the goals to bench/RESULTS.md.
bench: $(VENV)/.dev
	$(PY) bench/report.py

clean:
	rm -rf var build *.egg-info .pytest_cache .ruff_cache
