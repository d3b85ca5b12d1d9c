-- Indicators 5-8 scored on the survey's own rows (one per respondent) and counted straight
-- into one row per WRES year, trust, detailed ethnicity, gender, occupation group and
-- indicator: the respondents who answered the indicator's question(s), those whose answer
-- counts (experienced it, or Yes), and the same two counts on indicator 7's legacy
-- definition, Yes / (Yes + No), which leaves out "Don't know".
-- The question map (seed survey_question_map) picks each survey year's question columns: one
-- `case` per indicator over the years of each questionnaire. Indicator 6 counts a respondent
-- who answered either of its two questions, as having experienced it when either answer is not
-- "Never". Groups where nobody answered an indicator have no row for it.
-- Incremental on the WRES year: a build recomputes only the years in control.build_years (every
-- year when it is empty, or with --full-refresh). The pre-hook first deletes the rows of the years
-- it recomputes: delete+insert alone replaces only the years that still have rows, so the rows of
-- a year whose survey was removed from the landing zone would stay (an incremental build would
-- keep indicators 5-8 that a full build drops).
-- The question map and answer scales are read at compile time (macro survey_question_periods):
-- depends_on: {{ ref('survey_question_map') }}
-- depends_on: {{ ref('survey_answers') }}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='wres_year',
          on_schema_change='fail',
          pre_hook="{% if is_incremental() %}delete from {{ this }} where wres_year in (select wres_year from "
                   ~ "{{ source('control', 'build_years') }}) or not exists (select 1 from "
                   ~ "{{ source('control', 'build_years') }}){% endif %}") }}

{%- set periods = survey_question_periods() %}
{%- set indicators = [] %}
{%- for period in periods %}{% for indicator in period['indicators'] %}
    {%- if indicator not in indicators %}{% do indicators.append(indicator) %}{% endif %}
{%- endfor %}{% endfor %}
{%- do indicators.sort() %}
{%- set group_columns = ['survey_year', 'wres_year', 'org_code', 'ethnicity_label', 'ethnicity_group',
                         'ethnicity_broad', 'gender', 'occupation_group'] %}

{%- if execute %}
    {#- A questionnaire of a loaded survey year must have its columns (ingest adds every column
        the map names; a warehouse loaded before the survey was kept wide needs a reload). -#}
    {%- set respondents_relation = load_relation(ref('stg_staff_survey__respondents')) %}
    {%- if respondents_relation is not none %}
        {%- set present = adapter.get_columns_in_relation(respondents_relation) | map(attribute='name') | list %}
        {%- set loaded = run_query('select distinct survey_year from ' ~ respondents_relation).columns[0].values() %}
        {%- for period in periods %}
            {%- set years = loaded | select('ge', period['first']) | select('le', period['last']) | list %}
            {%- for questions in period['indicators'].values() %}{% for question in questions %}
                {%- if years and question['column'] not in present %}
                    {{ exceptions.raise_compiler_error(
                        "raw.staff_survey_respondents has no column '" ~ question['column'] ~ "', which the "
                        ~ "survey question map names for survey years " ~ period['first'] ~ "-" ~ period['last']
                        ~ ": load the survey again (wres refresh --force)") }}
                {%- endif %}
            {%- endfor %}{% endfor %}
        {%- endfor %}
    {%- endif %}
{%- endif %}

with respondents as (
    select * from {{ ref('stg_staff_survey__respondents') }}
    {% if is_incremental() %}
    where wres_year in (select wres_year from {{ source('control', 'build_years') }})
        or not exists (select 1 from {{ source('control', 'build_years') }})
    {% endif %}
),

scored as (
    select
        {%- for indicator in indicators %}
        {%- for flag, kind in [('answered', 'answers'), ('positive', 'positive'), ('legacy', 'legacy')] %}
        case
            {%- for period in periods if indicator in period['indicators'] %}
            when survey_year between {{ period['first'] }} and {{ period['last'] }}
                then {{ survey_any_answer_in(period['indicators'][indicator], kind) }}
            {%- endfor %}
            else false
        end as {{ flag }}_{{ indicator }},
        {%- endfor %}
        {%- endfor %}
        {{ group_columns | join(',\n        ') }}
    from respondents
),

counted as (
    select
        {{ group_columns | join(',\n        ') }},
        {%- for indicator in indicators %}
        count(*) filter (where answered_{{ indicator }}) as respondents_{{ indicator }},
        count(*) filter (where positive_{{ indicator }}) as positives_{{ indicator }},
        count(*) filter (where legacy_{{ indicator }}) as legacy_respondents_{{ indicator }},
        count(*) filter (where legacy_{{ indicator }} and positive_{{ indicator }})
            as legacy_positives_{{ indicator }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from scored
    group by all
),

by_indicator as (
    {%- for indicator in indicators %}
    select
        {{ group_columns | join(',\n        ') }},
        {{ indicator }} as indicator,
        respondents_{{ indicator }} as respondents,
        positives_{{ indicator }} as positives,
        legacy_respondents_{{ indicator }} as legacy_respondents,
        legacy_positives_{{ indicator }} as legacy_positives
    from counted
    where respondents_{{ indicator }} > 0
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    survey_year::integer as survey_year,
    wres_year::integer as wres_year,
    org_code,
    ethnicity_label,
    ethnicity_group,
    ethnicity_broad,
    gender,
    occupation_group,
    indicator::integer as indicator,
    respondents::bigint as respondents,
    positives::bigint as positives,
    legacy_respondents::bigint as legacy_respondents,
    legacy_positives::bigint as legacy_positives
from by_indicator
