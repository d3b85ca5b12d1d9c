-- One row per WRES year and trust with workforce figures: its ethnicity declaration rate, its
-- return total against the workforce statistics, and its trust type. The gate's
-- data_quality_warnings suite reads it (the warnings the release's data-quality page lists).
select
    d.wres_year,
    d.org_code,
    d.declaration_rate,
    m.relative_difference,
    t.trust_type
from {{ ref('int_declaration_rates_computed') }} as d
left join {{ ref('int_workforce_totals_compared') }} as m using (wres_year, org_code)
left join {{ ref('int_trust_years_enumerated') }} as t using (wres_year, org_code)
