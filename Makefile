# The two commands: `make run` builds everything, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/data/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: run test lint install generate refresh dagster validate docs report-check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, generate the demo landing zone if it holds no source files, refresh every year
run: install
	$(BIN)/wres generate --if-empty
	$(BIN)/wres refresh

## make test: the linters (ruff on the Python, SQLFluff on the dbt models), then the whole test suite on two
## workers (pytest-xdist; each has its own Dagster home and dbt target, and they share one end-to-end refresh);
## installs Debian's chromium when missing, so that the report's browser test runs rather than skips
test: install lint
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -n 2

lint: install
	$(BIN)/ruff check .
	cd dbt_project && $(CURDIR)/$(BIN)/sqlfluff lint models --processes 1

generate: install
	$(BIN)/wres generate

refresh: install
	$(BIN)/wres refresh

## make dagster [DAGSTER_ARGS='-p 3001']: the Dagster UI on http://127.0.0.1:3000 with schedules and sensors
## running; SIGTERM or Ctrl-C stops it within seconds (orchestration/dev.py)
dagster: install
	$(BIN)/python -m orchestration.dev -w workspace.yaml $(DAGSTER_ARGS)

## make validate: load the code location and check its definitions (dg, from dagster-dg-cli)
validate: install
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg check defs

## make report-check: open the newest release's report in headless Chromium (installs Debian's chromium
## when missing), screenshot England, a region, an ICB and a trust, fail on a script error, an empty chart or
## a serious or critical accessibility violation (axe-core, vendored in wres/report/vendor)
report-check: install
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m wres.report.browser

## make docs: dbt's documentation site with the lineage graph (dbt_project/target/index.html)
docs: install
	$(BIN)/wres dbt -- docs generate

## make bench [SCALE=1.0] [SEED=2022] [RAW=dir]: the product against a hand-written DuckDB floor (bench/floor.py)
## on one landing zone, generated into data/bench/<SCALE>/raw and reused while scale, seed and generator are
## unchanged (or RAW, an existing landing zone, only read): wall, CPU and peak memory of the floor, a full
## refresh, a no-change refresh and one revised return, beside the issue's goals; the table is printed and
## written to data/bench/<SCALE>/results.md and results.json. A benchmark, not a test: it takes minutes.
SCALE ?= 1.0
bench: install
	$(BIN)/python -m bench --scale $(SCALE) $(if $(SEED),--seed $(SEED)) $(if $(RAW),--raw $(RAW))

clean:
	rm -rf data/warehouse data/published dbt_project/target dbt_project/logs
	find data/dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
