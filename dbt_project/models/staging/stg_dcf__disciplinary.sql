with source as (
    select * from {{ source('raw', 'dcf_disciplinary') }}
),

typed as (
    select
        wres_year,
        org_code,
        submission_id,
        submitted_at::timestamp as submitted_at,
        ethnicity_group,
        entered_formal_disciplinary::bigint as entered_formal_disciplinary,
        source_file
    from source
)

select
    *,
    {{ is_latest_submission() }} as is_latest_submission
from typed
