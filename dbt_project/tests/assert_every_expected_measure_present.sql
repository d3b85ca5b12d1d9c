{{ config(meta={'dagster': {'ref': {'name': 'wres_indicator_summary'}}}) }}
-- Every measure of the seed expected_measures is in the indicator mart at England level for
-- every WRES year: the return measures each year, the survey measures in a year with a survey.
with years as (
    select distinct wres_year from {{ ref('int_trust_years_enumerated') }}
),

survey_years as (
    select distinct wres_year from {{ ref('stg_staff_survey__respondents') }}
),

expected as (
    select years.wres_year, m.indicator, m.measure
    from years
    cross join {{ ref('expected_measures') }} as m
    where m.source = 'returns'
       or (m.source = 'survey' and years.wres_year in (select wres_year from survey_years))
),

found as (
    select distinct wres_year, indicator, measure
    from {{ ref('wres_indicator_summary') }}
    where level = 'england'
)

select expected.*
from expected
left join found using (wres_year, indicator, measure)
where found.measure is null
