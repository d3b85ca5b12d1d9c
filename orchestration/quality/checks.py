"""Great Expectations suites as Dagster asset checks, with results a data engineer can act on."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from wres.quality.gate import ERROR, CheckResult, mart_checks

# The GX suites on marts, as asset checks of the mart each reads (the dbt tests are checks already,
# through dagster-dbt). They run over every year; the gate of each year runs them on its rows.
MART_SUITES = {
    "return_completeness": ("wres_return_completeness",
                            "At least 95% of the trusts open at 31 March returned, per year (a warning below 100%)."),
    "data_quality_warnings": ("wres_trust_data_quality",
                              "Declaration rates, return-vs-statistics differences, trusts without a type (warnings)."),
}


def check_result(name: str, checks: list[CheckResult], asset_key: dg.AssetKey, extra: dict | None = None,
                 warnings_pass: bool = False) -> dg.AssetCheckResult:
    """One Dagster check result for a suite's expectations: failed if an error-level one failed,
    WARN severity when only warnings failed (passed, with the warnings counted and described, when
    `warnings_pass`: the publication gate, which a warning does not stop)."""
    errors = [c for c in checks if c.severity == ERROR and not c.success]
    warnings = [c for c in checks if c.severity != ERROR and not c.success]
    table = "\n".join(f"| {'passed' if c.success else c.severity} | {c.suite} | {c.guards} | {c.observed[:60]} | "
                      f"{', '.join(c.failing_rows[:5])} |" for c in checks)
    return dg.AssetCheckResult(
        check_name=name, asset_key=asset_key, passed=not errors and (warnings_pass or not warnings),
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        description=("; ".join(c.summary() for c in errors + warnings)[:2000] or
                     ("all expectations passed" if checks else "no data for this suite this year")),
        metadata={"expectations": dg.MetadataValue.md(
                      "| result | suite | guards | observed | rows to act on |\n|---|---|---|---|---|\n" + table),
                  "blocking_failures": dg.MetadataValue.int(len(errors)),
                  "warnings": dg.MetadataValue.int(len(warnings)), **(extra or {})})


def build_mart_checks(dbt_assets):
    keys = {name: get_asset_key_for_model([dbt_assets], model) for name, (model, _) in MART_SUITES.items()}

    @dg.multi_asset_check(
        specs=[dg.AssetCheckSpec(name, asset=keys[name], description=description, blocking=False)
               for name, (_, description) in MART_SUITES.items()],
        required_resource_keys={"warehouse"},
    )
    def mart_suite_checks(context: dg.AssetCheckExecutionContext):
        warehouse = context.resources.warehouse
        s = warehouse.settings()
        with warehouse.reader() as con:
            results = mart_checks(con, None, s)
        for name in MART_SUITES:
            yield check_result(name, [r for r in results if r.suite == name], keys[name])

    return mart_suite_checks
