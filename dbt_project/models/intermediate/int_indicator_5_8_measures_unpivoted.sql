-- Indicators 5-8 from the staff survey of year Y-1: % of white and of BME respondents who
-- experienced harassment from the public (5) or from staff (6), believe in equal
-- opportunities (7: current definition Yes / (Yes + No + Don't know) for every year, and
-- the legacy Yes / (Yes + No)), or experienced discrimination (8). Trusts, regions and trust
-- types pool respondents; England weights each trust by its headcount of the group at
-- 31 March Y: pct_g = sum_t w_tg p_tg / sum_t w_tg.
{%- set groups = ['white', 'bme'] %}
with counted as (
    select * from {{ ref('int_survey_responses_counted') }}
    where ethnicity_group in ('White', 'BME')
),

by_trust as (
    select
        wres_year,
        org_code,
        indicator,
        'all' as breakdown,
        {%- for g in groups %}
        {%- set label = 'White' if g == 'white' else 'BME' %}
        {%- for column, name in [('respondents', 'respondents'), ('positives', 'positive'),
                                 ('legacy_respondents', 'legacy_respondents'), ('legacy_positives', 'legacy_positive')] %}
        coalesce(sum({{ column }}) filter (where ethnicity_group = '{{ label }}'), 0)::bigint as {{ name }}_{{ g }}
        {%- if not (loop.last and g == groups[-1]) %},{% endif %}
        {%- endfor %}
        {%- endfor %}
    from counted
    group by all
),

pooled as (
    {{ pool_by_area('by_trust', ['indicator', 'breakdown'],
                    ['respondents_white', 'positive_white', 'legacy_respondents_white', 'legacy_positive_white',
                     'respondents_bme', 'positive_bme', 'legacy_respondents_bme', 'legacy_positive_bme']) }}
),

england_weighted as (
    select
        t.wres_year,
        t.indicator,
        {%- for g in groups %}
        -- Summed in trust order: a float sum in DuckDB's parallel order would differ in its
        -- last bits from run to run, and the same inputs must publish the same bytes.
        sum(h.headcount_{{ g }} * t.positive_{{ g }} / t.respondents_{{ g }} order by t.org_code)
            filter (where t.respondents_{{ g }} > 0)
            / nullif(sum(h.headcount_{{ g }}) filter (where t.respondents_{{ g }} > 0), 0) as weighted_{{ g }},
        sum(h.headcount_{{ g }} * t.legacy_positive_{{ g }} / t.legacy_respondents_{{ g }} order by t.org_code)
            filter (where t.legacy_respondents_{{ g }} > 0)
            / nullif(sum(h.headcount_{{ g }}) filter (where t.legacy_respondents_{{ g }} > 0), 0)
            as legacy_weighted_{{ g }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from by_trust as t
    join {{ ref('int_trust_years_enumerated') }} using (wres_year, org_code)
    join {{ ref('int_group_headcounts_pivoted') }} as h using (wres_year, org_code)
    group by all
),

rates as (
    select
        pooled.*,
        {%- for g in groups %}
        case when pooled.level = 'england' then 100 * england_weighted.weighted_{{ g }}
             else {{ pct('pooled.positive_' ~ g, 'pooled.respondents_' ~ g) }} end as pct_{{ g }},
        case when pooled.level = 'england' then 100 * england_weighted.legacy_weighted_{{ g }}
             else {{ pct('pooled.legacy_positive_' ~ g, 'pooled.legacy_respondents_' ~ g) }} end
            as pct_{{ g }}_legacy{% if not loop.last %},{% endif %}
        {%- endfor %}
    from pooled
    left join england_weighted
        on pooled.level = 'england'
        and england_weighted.wres_year = pooled.wres_year
        and england_weighted.indicator = pooled.indicator
),

measures as (
    {%- for g in groups %}
    select wres_year, indicator, level, area_code, area_name, breakdown, 'pct_{{ g }}' as measure,
           pct_{{ g }} as value, respondents_{{ g }} as respondents
    from rates
    union all
    -- A respondent count is its own denominator: under the minimum it is hidden (n<11) too.
    select wres_year, indicator, level, area_code, area_name, breakdown, 'respondents_{{ g }}',
           respondents_{{ g }}, respondents_{{ g }}
    from rates
    union all
    select wres_year, indicator, level, area_code, area_name, breakdown, 'pct_{{ g }}_legacy',
           pct_{{ g }}_legacy, legacy_respondents_{{ g }}
    from rates
    where indicator = 7
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    wres_year,
    indicator,
    level,
    area_code,
    area_name,
    breakdown,
    measure,
    value::double as value,
    false as uses_small_count,
    respondents::bigint as respondents,
    null::varchar as row_flags
from measures
