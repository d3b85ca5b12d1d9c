-- Indicator 3: relative likelihood of BME staff entering the formal disciplinary process
-- compared to white staff, (entered_B / headcount_B) / (entered_W / headcount_W), with the
-- headcount at 31 March of the year (the year-end method) for every year, plus
-- relative_likelihood_as_published: the method in force that year, a two-year rolling
-- rate (entered[Y] + entered[Y-1]) / (headcount[Y] + headcount[Y-1]) before
-- var('indicator3_year_end_from'), null where year Y-1 is missing.
{%- set rolling_counts = [] %}
{%- set rolling_columns = [] %}
{%- for count in ['entered_white', 'headcount_white', 'entered_bme', 'headcount_bme'] %}
    {%- do rolling_counts.extend([count ~ '_y0', count ~ '_y1']) %}
    {%- do rolling_columns.extend(['r.' ~ count ~ '_y0', 'r.' ~ count ~ '_y1']) %}
{%- endfor %}
with entered as (
    {{ latest_counts_by_ethnicity(ref('stg_dcf__disciplinary'), ['entered_formal_disciplinary']) }}
),

year_end as (
    select
        entered.wres_year,
        entered.org_code,
        'all' as breakdown,
        entered.entered_formal_disciplinary_white as entered_white,
        headcounts.headcount_white,
        entered.entered_formal_disciplinary_bme as entered_bme,
        headcounts.headcount_bme
    from entered
    join {{ ref('int_group_headcounts_pivoted') }} as headcounts using (wres_year, org_code)
),

two_year as (
    -- Each year's counts stay separate: the small-count rule checks every count the rolling
    -- rate uses (docs/METHODOLOGY.md), not only the two-year sums.
    select
        this_year.wres_year,
        this_year.org_code,
        'all' as breakdown,
        this_year.entered_white as entered_white_y0,
        last_year.entered_white as entered_white_y1,
        this_year.headcount_white as headcount_white_y0,
        last_year.headcount_white as headcount_white_y1,
        this_year.entered_bme as entered_bme_y0,
        last_year.entered_bme as entered_bme_y1,
        this_year.headcount_bme as headcount_bme_y0,
        last_year.headcount_bme as headcount_bme_y1
    from year_end as this_year
    join year_end as last_year
        on last_year.org_code = this_year.org_code
        and last_year.wres_year = this_year.wres_year - 1
),

pooled as (
    {{ pool_by_area('year_end', ['breakdown'],
                    ['entered_white', 'headcount_white', 'entered_bme', 'headcount_bme']) }}
),

pooled_two_year as (
    {{ pool_by_area('two_year', ['breakdown'], rolling_counts) }}
),

year_end_measures as (
    {{ likelihood_measures('pooled', 3, 'entered_white', 'headcount_white', 'entered_bme', 'headcount_bme',
                           bme_over_white=true) }}
),

as_published as (
    select
        pooled.wres_year,
        3 as indicator,
        pooled.level,
        pooled.area_code,
        pooled.area_name,
        pooled.breakdown,
        'relative_likelihood_as_published' as measure,
        case
            when pooled.wres_year >= {{ var('indicator3_year_end_from') }}
                then {{ relative_likelihood('pooled.entered_bme', 'pooled.headcount_bme',
                                            'pooled.entered_white', 'pooled.headcount_white') }}
            else {{ relative_likelihood('r.entered_bme_y0 + r.entered_bme_y1',
                                        'r.headcount_bme_y0 + r.headcount_bme_y1',
                                        'r.entered_white_y0 + r.entered_white_y1',
                                        'r.headcount_white_y0 + r.headcount_white_y1') }}
        end as value,
        case
            when pooled.wres_year >= {{ var('indicator3_year_end_from') }}
                then {{ any_small_count(['pooled.entered_white', 'pooled.headcount_white',
                                         'pooled.entered_bme', 'pooled.headcount_bme']) }}
            else {{ any_small_count(rolling_columns) }}
        end as uses_small_count,
        null::bigint as respondents
    from pooled
    left join pooled_two_year as r using (wres_year, level, area_code, breakdown)
)

select * from year_end_measures
union all by name
select
    *,
    case when value < {{ var('four_fifths_lower') }} or value > {{ var('four_fifths_upper') }}
         then 'adverse_impact' end as row_flags
from as_published
