-- How many trusts show BME staff faring worse than white staff, per indicator and year
-- (docs/METHODOLOGY.md, "Share of trusts"), from full-precision trust values. Indicator 1 counts a
-- trust when the BME share of its upper AfC bands (8a and above, VSM) is below the BME
-- share of its whole workforce. Significantly worse: for indicators 2-4 the relative
-- likelihood's 95% interval excludes 1 on the side of BME disadvantage; for 5-8 a two-proportion
-- z-test (pooled proportion) of the BME and white percentages at the 5% level, two-sided.
{%- set z = var('confidence_z') %}
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
           bme_share_upper < bme_share_all as bme_worse, null::boolean as outside_four_fifths,
           null::boolean as worse_significant
    from upper_bands
    where bme_share_upper is not null and bme_share_all is not null

    union all

    select wres_year, indicator, area_code,
           value > 1,
           value < {{ var('four_fifths_lower') }} or value > {{ var('four_fifths_upper') }},
           value > 1 and coalesce(list_contains(string_split(flags, ','), 'significant'), false)
    from trust_rows
    where indicator in (2, 3, 4) and measure = 'relative_likelihood' and breakdown = 'all' and value is not null

    union all

    select wres_year, indicator, area_code,
           case when indicator = 7 then pct_bme < pct_white else pct_bme > pct_white end,
           null,
           case when indicator = 7 then z < -{{ z }} else z > {{ z }} end
    from (
        select
            *,
            (pct_bme - pct_white) / 100
                / sqrt(pooled * (1 - pooled) * (1 / respondents_bme + 1 / respondents_white)) as z
        from (
            select *, (pct_bme * respondents_bme + pct_white * respondents_white) / 100
                      / (respondents_bme + respondents_white) as pooled
            from (
                pivot (
                    select wres_year, indicator, area_code, measure, value from trust_rows
                    where indicator in (5, 6, 7, 8) and breakdown = 'all'
                        and measure in ('pct_white', 'pct_bme', 'respondents_white', 'respondents_bme')
                ) on measure in ('pct_white', 'pct_bme', 'respondents_white', 'respondents_bme') using first(value)
            )
        ) as pooled_rates
    ) as tested
    where pct_white is not null and pct_bme is not null

    union all

    select wres_year, indicator, area_code, value < 0, null, null
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
        as pct_trusts_outside_four_fifths,
    case when indicator between 2 and 8 then count(*) filter (where worse_significant) end::integer
        as trusts_bme_worse_significant,
    case when indicator between 2 and 8 then 100.0 * count(*) filter (where worse_significant) / count(*) end
        as pct_trusts_bme_worse_significant
from comparisons
group by wres_year, indicator
