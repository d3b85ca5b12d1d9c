-- Indicators 5-8 in detail for analysts, England and each region, respondents pooled
-- (unweighted): by detailed ethnicity, by gender, by occupation group, and by ethnicity
-- group x gender x occupation group (e.g. "BME women in general management").
-- Every cell with fewer than var('survey_min_respondents') respondents is flagged n<11,
-- England included: these cells are small subgroups whatever the area.
with scored as (
    select s.*, t.region_code, t.region_name
    from {{ ref('int_survey_responses_scored') }} as s
    join {{ ref('int_trust_years_enumerated') }} as t using (wres_year, org_code)
),

cells as (
    select
        wres_year,
        any_value(survey_year) as survey_year,
        indicator,
        -- England is the grouping set without region_code; a region's name comes with its code.
        case when grouping(region_code) = 1 then 'ENG' else region_code end as area_code,
        case when grouping(region_code) = 1 then 'England' else any_value(region_name) end as area_name,
        case
            when grouping(ethnicity_label) = 0 then 'ethnicity'
            when grouping(ethnicity_group) = 0 then 'ethnicity_group_gender_occupation'
            when grouping(gender) = 0 then 'gender'
            else 'occupation'
        end as breakdown_type,
        ethnicity_label as ethnicity,
        ethnicity_group,
        gender,
        occupation_group,
        count(*) as respondents,
        100.0 * count(*) filter (where is_positive) / count(*) as pct
    from scored
    group by grouping sets (
        (wres_year, indicator, ethnicity_label), (wres_year, indicator, region_code, ethnicity_label),
        (wres_year, indicator, gender), (wres_year, indicator, region_code, gender),
        (wres_year, indicator, occupation_group), (wres_year, indicator, region_code, occupation_group),
        (wres_year, indicator, ethnicity_group, gender, occupation_group),
        (wres_year, indicator, region_code, ethnicity_group, gender, occupation_group)
    )
)

select
    wres_year::integer as wres_year,
    survey_year::integer as survey_year,
    indicator::integer as indicator,
    case when area_code = 'ENG' then 'england' else 'region' end as level,
    area_code,
    area_name,
    breakdown_type,
    ethnicity,
    ethnicity_group,
    gender,
    occupation_group,
    respondents::bigint as respondents,
    pct::double as pct,
    respondents < {{ var('survey_min_respondents') }} as suppressed,
    case when respondents < {{ var('survey_min_respondents') }} then 'n<11' end as suppression_reason
from cells
