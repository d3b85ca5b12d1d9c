"""WRES years as Dagster partitions: added as years appear in the landing zone."""

import warnings

import dagster as dg

wres_year_partitions = dg.DynamicPartitionsDefinition(name="wres_year")


def year_check_spec(name: str, asset: dg.AssetKey, description: str, blocking: bool = True) -> dg.AssetCheckSpec:
    """A check evaluated per WRES year, so the UI shows each year's result, not the last year run's.

    Partitioned checks are a preview feature of Dagster 1.13 (its warning is silenced here, once,
    knowingly); Dagster is pinned below 1.14 in pyproject.toml, and tests/test_orchestration.py
    reads each year's result back from the instance.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=dg.PreviewWarning, message="Specifying a partitions_def")
        return dg.AssetCheckSpec(name, asset=asset, description=description, blocking=blocking,
                                 partitions_def=wres_year_partitions)
