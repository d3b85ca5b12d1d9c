with source as (
    select * from {{ source('raw', 'dcf_board') }}
),

typed as (
    select
        wres_year,
        org_code,
        submission_id,
        submitted_at::timestamp as submitted_at,
        board_role,
        voting = 'Y' as is_voting,
        ethnicity_group,
        members::bigint as members,
        source_file
    from source
)

select
    *,
    {{ is_latest_submission() }} as is_latest_submission
from typed
