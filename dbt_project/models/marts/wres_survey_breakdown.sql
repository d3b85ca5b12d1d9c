-- Indicators 5-8 in detail for analysts, England and each region, respondents pooled
-- (unweighted): by detailed ethnicity, by gender, by occupation group, and by ethnicity
-- group x gender x occupation group (e.g. "BME women in general management").
-- Every cell with fewer than var('survey_min_respondents') respondents is flagged n<11,
-- England included: a detailed breakdown group is a group below the whole England
-- population, whatever the area.
-- A cell whose respondents are exactly the whole White or BME group of its area (say every
-- male respondent of a region is white) is not a detail: its percentage is the area's pooled
-- figure for that group. It is hidden (`secondary`) when the indicator summary hides that
-- figure or its respondent count (a region), or any region's (England: the pooled England
-- figure is the sum of the regions'), so the breakdown never reopens what the summary hides.
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
        count(*) filter (where scored.ethnicity_group = 'White') as respondents_white,
        count(*) filter (where scored.ethnicity_group = 'BME') as respondents_bme,
        100.0 * count(*) filter (where is_positive) / count(*) as pct
    from scored
    group by grouping sets (
        (wres_year, indicator, ethnicity_label), (wres_year, indicator, region_code, ethnicity_label),
        (wres_year, indicator, gender), (wres_year, indicator, region_code, gender),
        (wres_year, indicator, occupation_group), (wres_year, indicator, region_code, occupation_group),
        (wres_year, indicator, ethnicity_group, gender, occupation_group),
        (wres_year, indicator, region_code, ethnicity_group, gender, occupation_group)
    )
),

-- Each area's White and BME respondents per indicator (the pooled groups of the summary).
area_groups as (
    select
        wres_year,
        indicator,
        case when grouping(region_code) = 1 then 'ENG' else region_code end as area_code,
        count(*) filter (where ethnicity_group = 'White') as group_white,
        count(*) filter (where ethnicity_group = 'BME') as group_bme
    from scored
    group by grouping sets ((wres_year, indicator), (wres_year, indicator, region_code))
),

-- Whether the summary hides a region's pooled figure of a group (its percentage or respondents).
summary_hidden as (
    select
        wres_year,
        indicator,
        area_code,
        bool_or(suppressed and measure in ('pct_white', 'respondents_white')) as hides_white,
        bool_or(suppressed and measure in ('pct_bme', 'respondents_bme')) as hides_bme
    from {{ ref('wres_indicator_summary') }}
    where level = 'region' and indicator between 5 and 8 and breakdown = 'all'
    group by all
),

area_hidden as (
    select wres_year, indicator, area_code, hides_white, hides_bme from summary_hidden
    union all
    select wres_year, indicator, 'ENG', bool_or(hides_white), bool_or(hides_bme)
    from summary_hidden
    group by all
),

decided as (
    select
        cells.*,
        cells.respondents < {{ var('survey_min_respondents') }} as is_small,
        (cells.respondents = cells.respondents_white and cells.respondents_white = area_groups.group_white
         and coalesce(area_hidden.hides_white, false))
        or (cells.respondents = cells.respondents_bme and cells.respondents_bme = area_groups.group_bme
            and coalesce(area_hidden.hides_bme, false)) as is_hidden_group
    from cells
    left join area_groups using (wres_year, indicator, area_code)
    left join area_hidden using (wres_year, indicator, area_code)
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
    is_small or is_hidden_group as suppressed,
    case when is_small then 'n<11' when is_hidden_group then 'secondary' end as suppression_reason
from decided
