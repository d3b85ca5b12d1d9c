-- Indicator 9: BME share of board members against the BME share of the whole workforce
-- (percentage points), for all members, voting members, executive and non-executive.
-- Board counts are public: with var('board_counts_exempt') only the workforce counts
-- are subject to the small-count rule.
with board as (
    select * from {{ ref('stg_dcf__board') }}
    where is_latest_submission
),

by_breakdown as (
    select wres_year, org_code, 'all' as breakdown, members, ethnicity_group from board
    union all
    select wres_year, org_code, 'voting', members, ethnicity_group from board where is_voting
    union all
    select wres_year, org_code, 'executive', members, ethnicity_group from board where board_role = 'Executive'
    union all
    select wres_year, org_code, 'non_executive', members, ethnicity_group from board
    where board_role = 'Non-executive'
),

counted as (
    select
        b.wres_year,
        b.org_code,
        b.breakdown,
        sum(b.members) as members_total,
        coalesce(sum(b.members) filter (where b.ethnicity_group = 'BME'), 0) as members_bme,
        any_value(h.headcount_bme) as workforce_bme,
        any_value(h.headcount_total) as workforce_total
    from by_breakdown as b
    left join {{ ref('int_group_headcounts_pivoted') }} as h using (wres_year, org_code)
    group by all
),

pooled as (
    {{ pool_by_area('counted', ['breakdown'], ['members_total', 'members_bme', 'workforce_bme', 'workforce_total']) }}
),

{% set exempt = var('board_counts_exempt') %}
measures as (
    select wres_year, level, area_code, area_name, breakdown, 'members_total' as measure,
           members_total::double as value,
           {{ 'false' if exempt else any_small_count(['members_total']) }} as uses_small_count
    from pooled
    union all
    select wres_year, level, area_code, area_name, breakdown, 'members_bme', members_bme,
           {{ 'false' if exempt else any_small_count(['members_bme']) }}
    from pooled
    union all
    select wres_year, level, area_code, area_name, breakdown, 'pct_bme_board',
           {{ pct('members_bme', 'members_total') }},
           {{ 'false' if exempt else any_small_count(['members_bme', 'members_total']) }}
    from pooled
    union all
    select wres_year, level, area_code, area_name, breakdown, 'pct_bme_workforce',
           {{ pct('workforce_bme', 'workforce_total') }},
           {{ any_small_count(['workforce_bme', 'workforce_total']) }}
    from pooled
    union all
    select wres_year, level, area_code, area_name, breakdown, 'gap_pp',
           {{ pct('members_bme', 'members_total') }} - {{ pct('workforce_bme', 'workforce_total') }},
           {{ any_small_count(['workforce_bme', 'workforce_total']) }}
           or {{ 'false' if exempt else any_small_count(['members_bme', 'members_total']) }}
    from pooled
)

{{ count_measure_rows(9) }}
