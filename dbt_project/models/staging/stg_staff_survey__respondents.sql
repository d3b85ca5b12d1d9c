with source as (
    select * from {{ source('raw', 'staff_survey_respondents') }}
),

survey_ethnicities as (
    select * from {{ ref('survey_ethnicities') }}
),

typed as (
    select
        source.survey_year,
        source.wres_year,
        source.respondent_id,
        source.org_code,
        coalesce(nullif(trim(source.ethnicity), ''), 'Not stated') as ethnicity_label,
        -- "Prefer not to say" and blank are Unknown.
        coalesce(survey_ethnicities.ethnicity_group, 'Unknown') as ethnicity_group,
        coalesce(survey_ethnicities.ethnicity_broad, 'Unknown') as ethnicity_broad,
        coalesce(nullif(trim(source.gender), ''), 'Not stated') as gender,
        coalesce(nullif(trim(source.occupation_group), ''), 'Not stated') as occupation_group,
        -- Every question column of every questionnaire loaded (q<number><letters>, as the ingest
        -- contract names them), under its own name: blank is not answered (null); the columns of
        -- other years' questionnaires are null.
        nullif(trim(columns('^q[0-9]+[a-z]*$')), ''),
        source.source_file
    from source
    left join survey_ethnicities
        on trim(source.ethnicity) = survey_ethnicities.ethnicity_label
)

select * from typed
