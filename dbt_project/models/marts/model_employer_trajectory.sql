-- The Model Employer aspiration (seed 003): for each trust and England, each AfC band from
-- 8a up (8a-8d, 9, VSM; clinical and non-clinical staff together), each base WRES year and
-- each target year, the share s of recruits who must be BME for the band's BME share b0 to
-- reach the workforce's BME share p by the target year, when a share t of the band leaves
-- each year (var leaver_rate) and is replaced: s = (p - b0 (1-t)^n) / (1 - (1-t)^n).
-- Shares are of staff of known ethnicity, as in the strategy's Table 2. England's target is
-- the whole England workforce's share.
with headcounts as (
    select h.*, p.band_level
    from {{ ref('int_workforce_headcounts_unioned') }} as h
    join {{ ref('pay_bands') }} as p using (staff_group, pay_band)
),

bands as (
    select
        wres_year,
        org_code,
        pay_band,
        sum(headcount) filter (where ethnicity_group = 'White') as white_band,
        sum(headcount) filter (where ethnicity_group = 'BME') as bme_band
    from headcounts
    where band_level = 'upper'
    group by all
),

workforce as (
    select wres_year, org_code, headcount_white as white_all, headcount_bme as bme_all
    from {{ ref('int_group_headcounts_pivoted') }}
),

by_trust as (
    select bands.*, workforce.white_all, workforce.bme_all
    from bands
    join workforce using (wres_year, org_code)
),

-- England's target is the BME share of its whole workforce: every trust open at 31 March,
-- not only the trusts with staff in the band (pooling by_trust alone would give another
-- share per band, a sum over a subset of trusts that no published figure states).
england_workforce as (
    select workforce.wres_year, sum(workforce.white_all)::bigint as white_all, sum(workforce.bme_all)::bigint as bme_all
    from workforce
    join {{ ref('int_trust_years_enumerated') }} using (wres_year, org_code)
    group by all
),

pooled_by_area as (
    select * from (
        {{ pool_by_area('by_trust', ['pay_band'], ['white_band', 'bme_band', 'white_all', 'bme_all']) }}
    )
    where level in ('trust', 'england')
),

pooled as (
    select
        pooled_by_area.* replace (
            case when pooled_by_area.level = 'england' then england_workforce.white_all
                 else pooled_by_area.white_all end as white_all,
            case when pooled_by_area.level = 'england' then england_workforce.bme_all
                 else pooled_by_area.bme_all end as bme_all
        )
    from pooled_by_area
    left join england_workforce using (wres_year)
),

targets as (
    select unnest({{ var('target_years') }}) as target_year
),

shares as (
    select
        pooled.*,
        targets.target_year,
        targets.target_year - pooled.wres_year as years_to_target,
        {{ var('leaver_rate') }}::double as leaver_rate,
        coalesce(pooled.bme_band, 0)::double
            / nullif(coalesce(pooled.white_band, 0) + coalesce(pooled.bme_band, 0), 0) as b0,
        pooled.bme_all::double / nullif(pooled.white_all + pooled.bme_all, 0) as p,
        power(1 - {{ var('leaver_rate') }}, targets.target_year - pooled.wres_year) as retained
    from pooled
    cross join targets
    where targets.target_year > pooled.wres_year
),

required as (
    select
        *,
        (p - b0 * retained) / (1 - retained) as s
    from shares
)

select
    wres_year::integer as wres_year,
    level,
    area_code,
    area_name,
    pay_band,
    target_year::integer as target_year,
    years_to_target::integer as years_to_target,
    (coalesce(white_band, 0) + coalesce(bme_band, 0))::bigint as headcount_known,
    coalesce(bme_band, 0)::bigint as headcount_bme,
    100 * b0 as pct_bme_band,
    100 * p as target_pct_bme,
    leaver_rate,
    case when b0 < p then s end as required_bme_share_of_recruits,
    case when b0 < p and s > 0 and s <= 1 then round(1 / s)::integer end as one_in_k,
    leaver_rate * (coalesce(white_band, 0) + coalesce(bme_band, 0)) as recruits_per_year,
    case when b0 < p and s <= 1
         then s * leaver_rate * (coalesce(white_band, 0) + coalesce(bme_band, 0)) end as bme_recruits_per_year,
    case when b0 < p and s <= 1
         then (s - b0) * leaver_rate * (coalesce(white_band, 0) + coalesce(bme_band, 0)) end
        as additional_bme_recruits_per_year,
    case
        when b0 is null or p is null then 'undefined'
        when b0 >= p then 'already met'
        when s > 1 then 'unreachable'
        else 'reachable'
    end as status,
    level = 'trust'
    and {{ any_small_count(['coalesce(bme_band, 0)', 'coalesce(white_band, 0) + coalesce(bme_band, 0)']) }}
        as suppressed,
    case when level = 'trust' and {{ any_small_count(['coalesce(bme_band, 0)',
                                                       'coalesce(white_band, 0) + coalesce(bme_band, 0)']) }}
         then 'count 1-7' end as suppression_reason
from required
