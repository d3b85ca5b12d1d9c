with source as (
    select * from {{ source('raw', 'trust_types') }}
)

select org_code, trust_type from source
