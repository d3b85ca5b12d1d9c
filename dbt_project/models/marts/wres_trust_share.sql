-- How many trusts show BME staff faring worse than white staff, per indicator and year
-- (DOMAIN.md "Share of trusts"), from full-precision trust values. Indicator 1 counts a
-- trust when the BME share of its upper AfC bands (8a and above, VSM) is below the BME
-- share of its whole workforce.
with trust_rows as (
    select * from {{ ref('wres_indicator_summary') }}
    where level = 'trust'
),

upper_bands as (
    select
        h.wres_year,
        h.org_code,
        sum(h.headcount) filter (where h.ethnicity_group = 'BME' and p.band_level = 'upper')::double
            / nullif(sum(h.headcount) filter (where p.band_level = 'upper'), 0) as bme_share_upper,
        sum(h.headcount) filter (where h.ethnicity_group = 'BME')::double
            / nullif(sum(h.headcount), 0) as bme_share_all
    from {{ ref('int_workforce_headcounts_unioned') }} as h
    join {{ ref('pay_bands') }} as p using (staff_group, pay_band)
    group by all
),

comparisons as (
    select wres_year, 1 as indicator, org_code as area_code,
           bme_share_upper < bme_share_all as bme_worse, null::boolean as outside_four_fifths
    from upper_bands
    where bme_share_upper is not null and bme_share_all is not null

    union all

    select wres_year, indicator, area_code,
           value > 1,
           value < {{ var('four_fifths_lower') }} or value > {{ var('four_fifths_upper') }}
    from trust_rows
    where indicator in (2, 3, 4) and measure = 'relative_likelihood' and breakdown = 'all' and value is not null

    union all

    select wres_year, indicator, area_code,
           case when indicator = 7 then pct_bme < pct_white else pct_bme > pct_white end,
           null
    from (
        pivot (
            select wres_year, indicator, area_code, measure, value from trust_rows
            where indicator in (5, 6, 7, 8) and breakdown = 'all' and measure in ('pct_white', 'pct_bme')
        ) on measure in ('pct_white', 'pct_bme') using first(value)
    )
    where pct_white is not null and pct_bme is not null

    union all

    select wres_year, indicator, area_code, value < 0, null
    from trust_rows
    where indicator = 9 and measure = 'gap_pp' and breakdown = 'all' and value is not null
)

select
    wres_year::integer as wres_year,
    indicator::integer as indicator,
    count(*)::integer as trusts_reporting,
    count(*) filter (where bme_worse)::integer as trusts_bme_worse,
    100.0 * count(*) filter (where bme_worse) / count(*) as pct_trusts_bme_worse,
    case when indicator in (2, 3, 4) then count(*) filter (where outside_four_fifths) end::integer
        as trusts_outside_four_fifths,
    case when indicator in (2, 3, 4) then 100.0 * count(*) filter (where outside_four_fifths) / count(*) end
        as pct_trusts_outside_four_fifths
from comparisons
group by wres_year, indicator
