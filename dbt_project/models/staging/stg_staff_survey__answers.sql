with source as (
    select * from {{ source('raw', 'staff_survey_answers') }}
)

select
    survey_year,
    wres_year,
    respondent_id,
    question,
    trim(answer) as answer
from source
where nullif(trim(answer), '') is not null
