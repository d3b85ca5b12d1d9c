"""The publication gate: every Great Expectations suite of `expectations/` run for one WRES year.

GX is imported lazily (its import takes seconds). Each expectation's severity comes from
its meta: `error` blocks publication, `warning` is recorded and shown. A result names the
rows it is about (trusts, submissions, mart rows) so a data engineer can act on it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from wres.config import EXPECTATIONS_DIR, Settings
from wres.ingest import contracts as c
from wres.quality import tables

ERROR, WARNING = "error", "warning"
MAX_EXAMPLES = 20


@dataclass
class CheckResult:
    suite: str
    expectation: str
    column: str | None
    guards: str
    severity: str
    success: bool
    observed: str
    failing_rows: list[str] = field(default_factory=list)
    failing_count: int = 0

    @property
    def blocking_failure(self) -> bool:
        return self.severity == ERROR and not self.success

    def summary(self) -> str:
        state = "passed" if self.success else ("FAILED" if self.severity == ERROR else "warning")
        where = f" ({self.failing_count} rows, e.g. {', '.join(self.failing_rows[:5])})" if self.failing_rows else ""
        return f"[{state}] {self.suite}: {self.guards}{where}"


@dataclass
class GateResult:
    wres_year: int
    checks: list[CheckResult]

    @property
    def passed(self) -> bool:
        return not any(c.blocking_failure for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.blocking_failure]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if c.severity == WARNING and not c.success]

    def as_dicts(self) -> list[dict]:
        return [asdict(c) for c in self.checks]


def suite_file(name: str) -> Path:
    return EXPECTATIONS_DIR / f"{name}.json"


@lru_cache(maxsize=None)
def load_suite(name: str) -> dict:
    return json.loads(suite_file(name).read_text(encoding="utf-8"))


class Validator:
    """One ephemeral GX context validating DataFrames against the suites in expectations/."""

    def __init__(self):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.batch_definition = (self.context.data_sources.add_pandas("wres")
                                 .add_dataframe_asset("table").add_batch_definition_whole_dataframe("whole"))
        self._suites: dict = {}

    def _suite(self, name: str):
        if name not in self._suites:
            spec = load_suite(name)
            self._suites[name] = self.gx.ExpectationSuite(name=name, expectations=spec["expectations"],
                                                          meta=spec.get("meta", {}))
        return self._suites[name]

    def validate(self, name: str, frame: pd.DataFrame, id_column: str, parameters: dict | None = None
                 ) -> list[CheckResult]:
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(self._suite(name), expectation_parameters=parameters or {},
                                 result_format={"result_format": "COMPLETE",
                                                "unexpected_index_column_names": [id_column],
                                                "partial_unexpected_count": MAX_EXAMPLES})
        results = []
        for item in outcome.results:
            config = item.expectation_config
            result = item.result or {}
            failing = [str(row.get(id_column, row)) if isinstance(row, dict) else str(row)
                       for row in (result.get("unexpected_index_list") or [])]
            observed = result.get("observed_value")
            if observed is None and "unexpected_count" in result:
                observed = f"{result['unexpected_count']} of {result.get('element_count')} rows unexpected"
            if item.exception_info and item.exception_info.get("raised_exception"):
                observed = f"could not run: {item.exception_info.get('exception_message')}"
            results.append(CheckResult(
                suite=name, expectation=config.type, column=config.kwargs.get("column"),
                guards=config.meta.get("guards", config.type), severity=config.meta.get("severity", ERROR),
                success=bool(item.success), observed=str(observed), failing_rows=failing[:MAX_EXAMPLES],
                failing_count=len(failing)))
        return results


@lru_cache(maxsize=1)
def shared_validator() -> Validator:
    """One GX context per process: starting one takes seconds, and a refresh checks many years."""
    return Validator()


def parameters(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> dict:
    t = settings.thresholds
    return {
        "org_codes": tables.english_trusts(con),
        "sections": list(c.dcf_sections_for(year, settings.years.dcf_workforce_from)),
        "census_date": [f"{year}-03-31"],
        "return_rate_min": t.return_rate_min,
        "declaration_warning": t.declaration_warning,
        "declaration_withhold": t.declaration_withhold,
        "source_mismatch": t.source_mismatch,
        "survey_min_respondents": t.survey_min_respondents,
    }


RAW_SUITES = ("raw_returns", "raw_recruitment", "raw_workforce_statistics", "raw_staff_survey", "return_completeness")
MART_SUITES = ("data_quality_warnings", "mart_invariants", "mart_reconciliation", "mart_completeness")


def raw_checks(con, year: int, settings: Settings, validator: Validator | None = None) -> list[CheckResult]:
    """The suites guarding one WRES year's raw tables."""
    validator = validator or shared_validator()
    params = parameters(con, year, settings)
    builders = {
        "raw_returns": lambda: tables.raw_returns(con, year),
        "raw_recruitment": lambda: tables.raw_recruitment(con, year),
        "raw_workforce_statistics": lambda: tables.raw_workforce_statistics(con, year),
        "raw_staff_survey": lambda: tables.raw_staff_survey(con, year),
        "return_completeness": lambda: tables.return_completeness(con, year, settings),
    }
    results = []
    for name, build in builders.items():
        frame, id_column = build()
        if frame.empty and name in ("raw_workforce_statistics", "raw_staff_survey"):
            continue  # optional sources of the year
        results += validator.validate(name, frame, id_column, params)
    return results


def mart_checks(con, year: int | None, settings: Settings, validator: Validator | None = None) -> list[CheckResult]:
    """The suites guarding the indicator mart (one year, or every year when `year` is None)."""
    validator = validator or shared_validator()
    params = parameters(con, year or 0, settings)
    results = []
    for name, build in (("data_quality_warnings", lambda: tables.data_quality_warnings(con, year)),
                        ("mart_invariants", lambda: tables.mart_invariants(con, year)),
                        ("mart_reconciliation", lambda: tables.mart_reconciliation(con, year))):
        frame, id_column = build()
        results += validator.validate(name, frame, id_column, params)
    if year is not None:
        frame, id_column = tables.mart_completeness(con, year)
        results += validator.validate("mart_completeness", frame, id_column, params)
    return results


def publication_checks(con, year: int, release_folder: Path, previous_folder: Path | None, settings: Settings,
                       validator: Validator | None = None) -> list[CheckResult]:
    """The release as written (its staged files), and the files it was built from."""
    validator = validator or shared_validator()
    params = parameters(con, year, settings)
    frame, id_column = tables.published_tables(con, year, release_folder, previous_folder, settings)
    results = validator.validate("published_tables", frame, id_column, params)
    results += breakdown_checks(con, year, release_folder, validator, params)
    frame, id_column = tables.landing_zone_consistency(con, year, settings)
    return results + validator.validate("landing_zone_consistency", frame, id_column, params)


# The release's further tables, each checked on its file as written (a missing file blocks the year).
BREAKDOWN_SUITES = {
    "published_survey_breakdown": ("wres_survey_breakdown", tables.published_survey_breakdown),
    "published_model_employer": ("model_employer_trajectory",
                                 lambda con, year, folder: tables.published_model_employer(folder)),
}


def breakdown_checks(con, year: int, release_folder: Path, validator: Validator, params: dict) -> list[CheckResult]:
    """The survey breakdown and Model Employer files of a release, and the columns of every table file."""
    results = []
    for suite, (table, build) in BREAKDOWN_SUITES.items():
        if not (Path(release_folder) / f"{table}.parquet").exists():
            results.append(CheckResult(suite=suite, expectation="file_exists", column=None,
                                       guards=f"the release holds {table}.parquet", severity=ERROR, success=False,
                                       observed="file missing", failing_rows=[f"{table}.parquet"], failing_count=1))
            continue
        frame, id_column = build(con, year, release_folder)
        results += validator.validate(suite, frame, id_column, params)
    frame, id_column = tables.published_columns(release_folder)
    return results + validator.validate("published_columns", frame, id_column, params)


def evaluate(con, year: int, release_folder: Path, previous_folder: Path | None, settings: Settings) -> GateResult:
    """Every suite for one WRES year: raw, mart and the staged release, audited with the previous one."""
    validator = shared_validator()
    checks = raw_checks(con, year, settings, validator)
    checks += mart_checks(con, year, settings, validator)
    checks += publication_checks(con, year, release_folder, previous_folder, settings, validator)
    return GateResult(wres_year=year, checks=checks)
