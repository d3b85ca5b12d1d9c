"""Secondary suppression of the indicator measures (wres.disclosure.suppression, DOMAIN.md).

Hides further cells until no sensitive cell can be derived from the published ones through
the table's additive relations, rates and percentages. The search over null vectors of the
relations is iterative numpy work, so it lives in Python with its own tests; this model
feeds it the measures, the trusts' areas and the releases already published (a reader
has them: what they published stays known, what they hid stays hidden).
"""

from pathlib import Path

from wres.disclosure.releases import current_releases, published_cells
from wres.disclosure.suppression import apply_secondary_suppression


def model(dbt, session):
    # Each dbt.config.get and dbt.source call stands alone in an assignment: dbt finds the config keys
    # and sources a Python model uses by reading its source, and misses a call nested in an expression
    # (`str(dbt.config.get(...))`), which then returns None (or fails) at run time.
    publish_dir = dbt.config.get("publish_dir")
    if not publish_dir:
        raise ValueError("int_indicator_measures_secondary_suppressed needs config publish_dir (var publish_dir)")
    requested = dbt.source("control", "build_years")
    years = sorted(int(y) for y in requested.df()["wres_year"])
    # Incremental: each year is suppressed on its own, so the years whose inputs did not change keep
    # their rows, and only the changed years (and their previous releases) are read.
    only = years if dbt.is_incremental and years else None
    measures = dbt.ref("int_indicator_measures_reasoned")
    trust_areas = dbt.ref("int_trust_years_enumerated")
    if only:
        measures = measures.filter(f"wres_year in ({', '.join(map(str, only))})")
        trust_areas = trust_areas.filter(f"wres_year in ({', '.join(map(str, only))})")
    measures = measures.df()
    trust_areas = trust_areas.df()[["wres_year", "org_code", "region_code", "icb_code", "trust_type"]]
    trust_areas = trust_areas.rename(columns={"region_code": "region", "icb_code": "icb"})
    previous = published_cells(current_releases(Path(publish_dir), only))
    return apply_secondary_suppression(measures, trust_areas, previous)
