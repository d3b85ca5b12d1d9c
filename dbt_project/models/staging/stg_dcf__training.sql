with source as (
    select * from {{ source('raw', 'dcf_training') }}
),

typed as (
    select
        wres_year,
        org_code,
        submission_id,
        submitted_at::timestamp as submitted_at,
        ethnicity_group,
        accessed_training::bigint as accessed_training,
        source_file
    from source
)

select
    *,
    {{ is_latest_submission() }} as is_latest_submission
from typed
