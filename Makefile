# Every target sets itself up: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := data
# The demo's configuration once `make demo` has written it, else the shipped one.
ACTIVATION_CONFIG ?= $(if $(wildcard $(DEMO_DIR)/activation.yaml),$(CURDIR)/$(DEMO_DIR)/activation.yaml,$(CURDIR)/activation.yaml)
export ACTIVATION_CONFIG
export DAGSTER_HOME ?= $(CURDIR)/$(DEMO_DIR)/dagster_home

DEMO_USERS ?= 20000
DEMO_DAYS ?= 90
UI_PORT ?= 3000
SCALE ?= S
ENGINE ?= duckdb
BENCH_ARGS ?=

.PHONY: install browser demo test ui bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/activation-assets --config activation.yaml demo --users $(DEMO_USERS) --days $(DEMO_DAYS) --dir $(DEMO_DIR)

# The dashboard's browser test drives Debian's chromium; installed here when missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser test"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: install browser
	$(BIN)/pytest

ui: install
	mkdir -p $(DAGSTER_HOME)
	test -f $(DAGSTER_HOME)/dagster.yaml || cp activation_assets/instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -p $(UI_PORT)

bench: install
	$(BIN)/python -m benchmarks --scale $(SCALE) --engine $(ENGINE) $(BENCH_ARGS)

clean:
	rm -rf data
