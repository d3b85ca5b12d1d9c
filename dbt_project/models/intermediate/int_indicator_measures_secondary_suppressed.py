"""Secondary suppression of the indicator measures (wres.disclosure, DOMAIN.md).

Where a published total and its parts would let a reader recover a hidden value by
subtraction, the smallest other part is hidden too, until no hidden value is recoverable.
The rule is iterative over pandas frames, so it lives in Python (wres/disclosure.py, with
its own tests) and this model only feeds it the measures and the trusts' areas.
"""

from wres.disclosure import apply_secondary_suppression


def model(dbt, session):
    dbt.config(materialized="table")
    measures = dbt.ref("int_indicator_measures_reasoned").df()
    trust_areas = dbt.ref("int_trust_years_enumerated").df()[["wres_year", "org_code", "region_code", "trust_type"]]
    return apply_secondary_suppression(measures, trust_areas)
