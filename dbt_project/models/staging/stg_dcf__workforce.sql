with source as (
    select * from {{ source('raw', 'dcf_workforce') }}
),

typed as (
    select
        wres_year,
        org_code,
        submission_id,
        submitted_at::timestamp as submitted_at,
        staff_group,
        pay_band,
        ethnicity_group,
        headcount::bigint as headcount,
        source_file
    from source
)

select
    *,
    {{ is_latest_submission() }} as is_latest_submission
from typed
