-- Indicators 5-8 in detail for analysts, England and each region, respondents pooled
-- (unweighted): by detailed ethnicity, by gender, by occupation group, and by ethnicity
-- group x gender x occupation group (e.g. "BME women in general management").
-- Every cell with fewer than var('survey_min_respondents') respondents is flagged n<11,
-- England included: a detailed breakdown group is a group below the whole England
-- population, whatever the area.
-- A cell made only of whole trust groups (every white, every BME or every unknown respondent
-- of each trust it draws on: say every male respondent of a region is white and every white
-- respondent male) is the pooled figure of those trusts' groups, a sum of cells of the
-- indicator summary with known respondent counts. It is hidden (`secondary`) when the summary
-- hides the percentage or respondents of one of those trusts' white or BME groups, so the
-- breakdown never reopens what the summary hides. A cell with part of a trust group in it
-- adds an unknown (that part's respondents, never published) and is not such a sum.
with counted as (
    select
        s.*,
        t.region_code,
        t.region_name,
        s.org_code as pair_org,
        s.ethnicity_group as pair_group
    from {{ ref('int_survey_responses_counted') }} as s
    join {{ ref('int_trust_years_enumerated') }} as t using (wres_year, org_code)
),

-- Each cell's respondents by the trust group (trust x ethnicity group) they come from.
cell_pairs as (
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
        pair_org,
        pair_group,
        sum(respondents)::bigint as respondents,
        sum(positives)::bigint as positives
    from counted
    group by grouping sets (
        (wres_year, indicator, ethnicity_label, pair_org, pair_group),
        (wres_year, indicator, region_code, ethnicity_label, pair_org, pair_group),
        (wres_year, indicator, gender, pair_org, pair_group),
        (wres_year, indicator, region_code, gender, pair_org, pair_group),
        (wres_year, indicator, occupation_group, pair_org, pair_group),
        (wres_year, indicator, region_code, occupation_group, pair_org, pair_group),
        (wres_year, indicator, ethnicity_group, gender, occupation_group, pair_org, pair_group),
        (wres_year, indicator, region_code, ethnicity_group, gender, occupation_group, pair_org, pair_group)
    )
),

-- Every respondent of each trust group, per indicator.
pair_totals as (
    select wres_year, indicator, pair_org, pair_group, sum(respondents)::bigint as pair_respondents
    from counted
    group by all
),

-- The trust groups whose figure (percentage or respondents) the indicator summary hides.
pair_hidden as (
    select
        wres_year,
        indicator,
        area_code as pair_org,
        case when measure like '%_white' then 'White' else 'BME' end as pair_group,
        bool_or(suppressed) as is_hidden
    from {{ ref('wres_indicator_summary') }}
    where level = 'trust' and indicator between 5 and 8 and breakdown = 'all'
        and measure in ('pct_white', 'respondents_white', 'pct_bme', 'respondents_bme')
    group by all
),

cells as (
    select
        cell_pairs.wres_year,
        any_value(cell_pairs.survey_year) as survey_year,
        cell_pairs.indicator,
        cell_pairs.area_code,
        any_value(cell_pairs.area_name) as area_name,
        cell_pairs.breakdown_type,
        cell_pairs.ethnicity,
        cell_pairs.ethnicity_group,
        cell_pairs.gender,
        cell_pairs.occupation_group,
        sum(cell_pairs.respondents) as respondents,
        100.0 * sum(cell_pairs.positives) / sum(cell_pairs.respondents) as pct,
        bool_and(cell_pairs.respondents = pair_totals.pair_respondents) as is_whole_groups,
        bool_or(coalesce(pair_hidden.is_hidden, false)) as draws_on_hidden
    from cell_pairs
    join pair_totals using (wres_year, indicator, pair_org, pair_group)
    left join pair_hidden using (wres_year, indicator, pair_org, pair_group)
    group by cell_pairs.wres_year, cell_pairs.indicator, cell_pairs.area_code, cell_pairs.breakdown_type,
        cell_pairs.ethnicity, cell_pairs.ethnicity_group, cell_pairs.gender, cell_pairs.occupation_group
),

decided as (
    select
        *,
        respondents < {{ var('survey_min_respondents') }} as is_small,
        is_whole_groups and draws_on_hidden as is_hidden_sum
    from cells
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
    is_small or is_hidden_sum as suppressed,
    case when is_small then 'n<11' when is_hidden_sum then 'secondary' end as suppression_reason
from decided
