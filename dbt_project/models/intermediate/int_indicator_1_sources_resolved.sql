-- Which source indicator 1 of each area and year comes from: `dcf` (the WRES return),
-- `workforce_statistics`, or `mixed` where the trusts pooled in an area differ.
with trust_sources as (
    select distinct h.wres_year, h.source, t.org_code, t.region_code, t.icb_code, t.trust_type
    from {{ ref('int_workforce_headcounts_unioned') }} as h
    join {{ ref('int_trust_years_enumerated') }} as t using (wres_year, org_code)
),

by_area as (
    select wres_year, 'trust' as level, org_code as area_code, source from trust_sources
    union all
    select wres_year, 'region', region_code, source from trust_sources
    union all
    select wres_year, 'icb', icb_code, source from trust_sources
    union all
    select wres_year, 'trust_type', trust_type, source from trust_sources
    union all
    select wres_year, 'england', 'ENG', source from trust_sources
)

select
    wres_year,
    level,
    area_code,
    case when count(distinct source) = 1 then min(source) else 'mixed' end as source
from by_area
group by all
