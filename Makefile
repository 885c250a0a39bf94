# Every target sets itself up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ACTIVATION_CONFIG ?= $(CURDIR)/activation.yaml
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

DEMO_USERS ?= 20000
DEMO_DAYS ?= 90
DEMO_START ?= 2025-01-01
DEMO_END ?= 2025-03-31
UI_PORT ?= 3000
SCALE ?= S
BENCH_ARGS ?=

.PHONY: install demo test ui bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/activation-assets generate --users $(DEMO_USERS) --days $(DEMO_DAYS) --start-date $(DEMO_START)
	$(BIN)/activation-assets materialize --start $(DEMO_START) --end $(DEMO_END)
	$(BIN)/activation-assets report

test: install
	$(BIN)/pytest

ui: install
	mkdir -p $(DAGSTER_HOME)
	test -f $(DAGSTER_HOME)/dagster.yaml || cp activation_assets/instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -p $(UI_PORT)

bench: install
	$(BIN)/python -m benchmarks --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf data
