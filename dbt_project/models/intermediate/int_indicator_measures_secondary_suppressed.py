"""Secondary suppression of the indicator measures (wres.disclosure.suppression, docs/METHODOLOGY.md).

Hides further cells until every sensitive cell's feasibility interval, given the published cells,
reaches 0 and the threshold, and writes each protected cell's certificate (the move that proves it)
for the gate's audit. The search over moves is iterative numpy work, so it lives in Python with its
own tests; this model feeds it the measures, the trusts' areas, the pay bands' band groups and the
cells of the releases already published (the source published.release_cells: a reader has them,
so what they published stays known and what they hid stays hidden). At national size the years are protected two at a time, each in a worker process
(wres.config.SUPPRESSION_PROCESSES): the same rows as one after another.
"""

from wres.config import SUPPRESSION_PROCESSES, SUPPRESSION_PROCESSES_FROM
from wres.disclosure.releases import CELL_COLUMNS
from wres.disclosure.suppression import Thresholds, apply_secondary_suppression, hidden_rates, suppress_year_by_year

AREA_COLUMNS = {"wres_year": "wres_year", "org_code": "org_code", "region_code": "region", "icb_code": "icb",
                "trust_type": "trust_type"}


def model(dbt, session):
    # Each dbt.config.get and dbt.source call stands alone in an assignment: dbt finds the config keys
    # and sources a Python model uses by reading its source, and misses a call nested in an expression
    # (`str(dbt.config.get(...))`), which then returns None (or fails) at run time.
    count_threshold = dbt.config.get("count_threshold")
    respondent_threshold = dbt.config.get("respondent_threshold")
    processes_from = dbt.config.get("suppression_processes_from")
    thresholds = Thresholds(count=int(count_threshold), respondents=int(respondent_threshold))
    pay_bands = dbt.ref("pay_bands")
    band_levels = {f"{group}|{band}": level for group, band, level in
                   pay_bands.df()[["staff_group", "pay_band", "band_level"]].itertuples(index=False)}
    requested = dbt.source("control", "build_years")
    years = sorted(int(y) for y in requested.df()["wres_year"])
    # Incremental: each year is suppressed on its own, so the years whose inputs did not change keep
    # their rows, and only the changed years (and their previous releases) are read.
    only = years if dbt.is_incremental and years else None
    measures = dbt.ref("int_indicator_measures_reasoned")
    trust_areas = dbt.ref("int_trust_years_enumerated")
    release_cells = dbt.source("published", "release_cells")
    previous = release_cells.filter(f"wres_year in ({', '.join(str(y) for y in only)})") if only else release_cells
    previous = previous.order(", ".join(CELL_COLUMNS)).select(", ".join(CELL_COLUMNS)).df()
    build = only or sorted(int(row[0]) for row in measures.unique("wres_year").fetchall())
    if not build:
        return apply_secondary_suppression(measures.df(), trust_areas.df().rename(columns=AREA_COLUMNS)[
            list(AREA_COLUMNS.values())], previous, thresholds=thresholds, band_levels=band_levels)
    # A year's rolling rate respects the rates hidden the year before: those of a year not rebuilt
    # are read from this model's own rows.
    kept = None
    if only:
        before = ", ".join(str(y - 1) for y in only if y - 1 not in only)
        if before:
            kept = hidden_rates(session.sql(f"select * from {dbt.this} where wres_year in ({before})").df())

    def load_year(year):
        year_areas = trust_areas.filter(f"wres_year = {year}").df().rename(columns=AREA_COLUMNS)
        return measures.filter(f"wres_year = {year}").df(), year_areas[list(AREA_COLUMNS.values())]

    rows = measures.filter(f"wres_year in ({', '.join(str(y) for y in build)})").count("*").fetchall()[0][0]
    # The var lowers the threshold only to exercise the worker processes on a small landing zone (the tests).
    at_least = SUPPRESSION_PROCESSES_FROM if processes_from in (None, "", "None") else int(processes_from)
    processes = SUPPRESSION_PROCESSES if rows >= at_least else 1
    print(f"{dbt.this}: WRES {', '.join(map(str, build))} protected in {processes} process(es)", flush=True)
    return suppress_year_by_year(build, load_year, previous, kept, thresholds, band_levels, processes)
