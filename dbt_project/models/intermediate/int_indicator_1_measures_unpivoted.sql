-- Indicator 1: headcount and % White / BME / Unknown by staff group and pay band, each
-- staff group, and all staff, plus the declaration rate, at every area level; one row per
-- measure. `uses_small_count` says whether a disclosive count from 1 to 7 enters the value:
-- a white, BME or total count; a not-stated (unknown) count discloses no one's ethnicity.
{%- set groups = ['white', 'bme', 'unknown'] %}
with headcounts as (
    select * from {{ ref('int_workforce_headcounts_unioned') }}
),

widened as (
    select
        wres_year,
        org_code,
        staff_group,
        pay_band,
        sum(headcount) filter (where ethnicity_group = 'White') as headcount_white,
        sum(headcount) filter (where ethnicity_group = 'BME') as headcount_bme,
        sum(headcount) filter (where ethnicity_group = 'Unknown') as headcount_unknown,
        sum(headcount) as headcount_total
    from headcounts
    group by all
),

by_breakdown as (
    select wres_year, org_code, staff_group || '|' || pay_band as breakdown,
           headcount_white, headcount_bme, headcount_unknown, headcount_total
    from widened
    union all
    select wres_year, org_code, staff_group || '|all', sum(headcount_white), sum(headcount_bme),
           sum(headcount_unknown), sum(headcount_total)
    from widened
    group by all
    union all
    select wres_year, org_code, 'all', sum(headcount_white), sum(headcount_bme),
           sum(headcount_unknown), sum(headcount_total)
    from widened
    group by all
),

pooled as (
    {{ pool_by_area('by_breakdown', ['breakdown'],
                    ['headcount_white', 'headcount_bme', 'headcount_unknown', 'headcount_total']) }}
),

filled as (
    select
        * replace (
            coalesce(headcount_white, 0) as headcount_white,
            coalesce(headcount_bme, 0) as headcount_bme,
            coalesce(headcount_unknown, 0) as headcount_unknown
        )
    from pooled
),

measures as (
    {%- for g in groups + ['total'] %}
    select wres_year, level, area_code, area_name, breakdown, 'headcount_{{ g }}' as measure,
           headcount_{{ g }}::double as value, {{ any_small_count(disclosive(['headcount_' ~ g])) }} as uses_small_count
    from filled
    union all
    {%- endfor %}
    {%- for g in groups %}
    select wres_year, level, area_code, area_name, breakdown, 'pct_{{ g }}',
           {{ pct('headcount_' ~ g, 'headcount_total') }},
           {{ any_small_count(disclosive(['headcount_' ~ g, 'headcount_total'])) }}
    from filled
    union all
    {%- endfor %}
    select wres_year, level, area_code, area_name, breakdown, 'declaration_rate',
           100 - {{ pct('headcount_unknown', 'headcount_total') }},
           {{ any_small_count(disclosive(['headcount_unknown', 'headcount_total'])) }}
    from filled
    where breakdown = 'all'
)

{{ count_measure_rows(1) }}
