-- One row per survey respondent and indicator (5-8) they answered: the question map of
-- their survey year picks the question columns, the answer scale says what counts.
-- Indicator 6 counts a respondent who answered either of its two questions, as having
-- experienced it when either answer is not "Never". Blank answers were dropped in staging.
-- Incremental on the WRES year: a refresh recomputes only var('build_years') (every year when empty,
-- with --full-refresh); survey answers are the largest table of the warehouse.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='wres_year',
          on_schema_change='fail') }}

with answers as (
    select * from {{ ref('stg_staff_survey__answers') }}
    {% if is_incremental() and var('build_years', []) %}
    where wres_year in ({{ var('build_years') | join(', ') }})
    {% endif %}
),

question_map as (
    select * from {{ ref('survey_question_map') }}
),

scales as (
    select * from {{ ref('survey_answers') }}
),

mapped as (
    select
        answers.survey_year,
        answers.wres_year,
        answers.respondent_id,
        question_map.indicator,
        answers.answer,
        coalesce(scales.is_experienced, scales.is_yes) as is_positive
    from answers
    join question_map
        on answers.question = question_map.question_column
        and answers.survey_year between question_map.first_survey_year and question_map.last_survey_year
    join scales
        on scales.answer_kind = question_map.answer_kind
        and scales.answer = answers.answer
),

scored as (
    select
        survey_year,
        wres_year,
        respondent_id,
        indicator,
        bool_or(is_positive) as is_positive,
        -- The legacy indicator 7 definition, Yes / (Yes + No), leaves "Don't know" out.
        bool_or(answer in ('Yes', 'No')) as in_legacy_denominator
    from mapped
    group by all
)

select
    scored.*,
    respondents.org_code,
    respondents.ethnicity_group,
    respondents.ethnicity_label,
    respondents.ethnicity_broad,
    respondents.gender,
    respondents.occupation_group
from scored
join {{ ref('stg_staff_survey__respondents') }} as respondents using (survey_year, respondent_id)
