"""Great Expectations suites as Dagster asset checks, with results a data engineer can act on."""

import dagster as dg

from wres.config import settings
from wres.quality.gate import ERROR, CheckResult, mart_checks

MART_SUITES = {
    "data_quality_warnings": "Declaration rates and return-vs-statistics differences (warnings).",
    "mart_invariants": "Percentages in 0-100, one row per key, documented suppression reasons, England unsuppressed.",
    "mart_reconciliation": "England counts reconcile with the sum of their trusts.",
}


def check_result(name: str, checks: list[CheckResult], asset_key: dg.AssetKey, extra: dict | None = None
                 ) -> dg.AssetCheckResult:
    """One Dagster check result for a suite's expectations: failed if an error-level one failed,
    WARN severity when only warnings failed."""
    errors = [c for c in checks if c.severity == ERROR and not c.success]
    warnings = [c for c in checks if c.severity != ERROR and not c.success]
    table = "\n".join(f"| {'passed' if c.success else c.severity} | {c.suite} | {c.guards} | {c.observed[:60]} | "
                      f"{', '.join(c.failing_rows[:5])} |" for c in checks)
    return dg.AssetCheckResult(
        check_name=name, asset_key=asset_key, passed=not errors and not warnings,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        description=("; ".join(c.summary() for c in errors + warnings)[:2000] or
                     ("all expectations passed" if checks else "no data for this suite this year")),
        metadata={"expectations": dg.MetadataValue.md(
                      "| result | suite | guards | observed | rows to act on |\n|---|---|---|---|---|\n" + table),
                  "blocking_failures": dg.MetadataValue.int(len(errors)),
                  "warnings": dg.MetadataValue.int(len(warnings)), **(extra or {})})


def build_mart_checks(summary_key: dg.AssetKey):
    @dg.multi_asset_check(
        specs=[dg.AssetCheckSpec(name, asset=summary_key, description=description,
                                 blocking=name != "data_quality_warnings")
               for name, description in MART_SUITES.items()],
        required_resource_keys={"warehouse"},
    )
    def indicator_mart_checks(context: dg.AssetCheckExecutionContext):
        warehouse = context.resources.warehouse
        s = warehouse.settings()
        with warehouse.reader() as con:
            results = mart_checks(con, None, s)
        for name in MART_SUITES:
            yield check_result(name, [r for r in results if r.suite == name], summary_key)

    return indicator_mart_checks
