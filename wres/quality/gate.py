"""The publication gate of one WRES year: the dbt data tests that failed on its rows, and every
Great Expectations suite of `expectations/` (what only the release shows).

GX is imported lazily (its import takes seconds). Each expectation's severity comes from
its meta: `error` blocks publication, `warning` is recorded and shown. A result names the
rows it is about (trusts, submissions, mart rows) so a data engineer can act on it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from wres.config import EXPECTATIONS_DIR, METHODOLOGY_MINIMUMS, Settings
from wres.quality import dbt_failures, tables

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
    methodology_minimum: bool = False  # checks the methodology's minimums, not the configuration's thresholds

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
                failing_count=len(failing), methodology_minimum=bool(config.meta.get("methodology_minimum"))))
        return results


_shared: list[Validator] = []
_shared_lock = threading.Lock()


def shared_validator() -> Validator:
    """One GX context per process: starting one takes seconds, and a refresh checks many years.
    Thread-safe, so that a refresh can start it in the background (orchestration.refresh)."""
    with _shared_lock:
        if not _shared:
            _shared.append(Validator())
        return _shared[0]


def parameters(settings: Settings) -> dict:
    t = settings.thresholds
    return {
        "return_rate_min": t.return_rate_min,
        "declaration_warning": t.declaration_warning,
        "declaration_withhold": t.declaration_withhold,
        "source_mismatch": t.source_mismatch,
        "survey_min_respondents": t.survey_min_respondents,
        "methodology_survey_min_respondents": METHODOLOGY_MINIMUMS["survey_min_respondents"],
    }


# Suites on the marts that only the release shows: the return rate and the data-quality warnings.
MART_SUITES = ("return_completeness", "data_quality_warnings")
DBT_TESTS = "dbt_tests"


def mart_checks(con, year: int | None, settings: Settings, validator: Validator | None = None) -> list[CheckResult]:
    """The suites on the year's marts (every year when `year` is None)."""
    validator = validator or shared_validator()
    params = parameters(settings)
    results = []
    for name, build in (("return_completeness", tables.return_completeness),
                        ("data_quality_warnings", tables.data_quality_warnings)):
        if year is None:
            for _, frame in build(con, None).groupby("wres_year"):
                results += validator.validate(name, frame, "trust", params)
        else:
            results += validator.validate(name, build(con, year), "trust", params)
    return results


def dbt_test_checks(con, year: int) -> list[CheckResult]:
    """The dbt data tests whose failing rows belong to the year (or to no year), as the last build
    recorded them (wres.quality.dbt_failures): each blocks the year and names its rows."""
    failures = dbt_failures.year_failures(con, year)
    if failures is None:
        return []
    if not failures:
        return [CheckResult(suite=DBT_TESTS, expectation="dbt data tests", column=None,
                            guards="every dbt data test passes on the year's rows", severity=ERROR, success=True,
                            observed="no failing rows")]
    return [CheckResult(suite=DBT_TESTS, expectation=f.test, column=f.model, guards=dbt_failures.message(f, year),
                        severity=ERROR, success=False, observed=f"{f.failing_rows} failing rows",
                        failing_rows=f.examples, failing_count=f.failing_rows) for f in failures]


def publication_checks(con, year: int, release_folder: Path, previous_folder: Path | None, settings: Settings,
                       validator: Validator | None = None) -> list[CheckResult]:
    """The release as written (its staged files), and the files it was built from."""
    validator = validator or shared_validator()
    params = parameters(settings)
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


def protection_check(settings: Settings) -> CheckResult:
    """The configuration's thresholds against the methodology's minimums: weaker blocks the year, unless
    the configuration says so explicitly ([protection] allow_weaker_than_methodology), then it warns."""
    weaker = settings.weakened_protection()
    return CheckResult(
        suite="configuration", expectation="thresholds at least the methodology's minimums", column=None,
        guards="the configuration's disclosure thresholds are at least the methodology's (counts 1-7, survey "
               "groups of 11, 80% declaration)",
        severity=WARNING if settings.allow_weaker_than_methodology else ERROR, success=not weaker,
        observed="; ".join(weaker) or "as strong as the methodology or stronger", methodology_minimum=True)


def evaluate(con, year: int, release_folder: Path, previous_folder: Path | None, settings: Settings) -> GateResult:
    """For one WRES year: the configuration against the methodology's minimums, its dbt data test failures,
    the mart suites and the staged release, audited with the previous one. The release is checked against
    the methodology's minimums as well as the configuration's thresholds; a methodology check blocks the
    year unless weaker protection is explicitly allowed, when it is a warning."""
    validator = shared_validator()
    checks = [protection_check(settings)]
    checks += dbt_test_checks(con, year)
    checks += mart_checks(con, year, settings, validator)
    checks += publication_checks(con, year, release_folder, previous_folder, settings, validator)
    if settings.allow_weaker_than_methodology:
        for check in checks:
            if check.methodology_minimum:
                check.severity = WARNING
    return GateResult(wres_year=year, checks=checks)
