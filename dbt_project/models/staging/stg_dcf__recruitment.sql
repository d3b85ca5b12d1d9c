with source as (
    select * from {{ source('raw', 'dcf_recruitment') }}
),

typed as (
    select
        wres_year,
        org_code,
        submission_id,
        submitted_at::timestamp as submitted_at,
        ethnicity_group,
        shortlisted::bigint as shortlisted,
        appointed::bigint as appointed,
        source_file
    from source
)

select
    *,
    {{ is_latest_submission() }} as is_latest_submission
from typed
