with source as (
    select * from {{ source('raw', 'etr') }}
),

typed as (
    select
        org_code,
        name as trust_name,
        nullif(region_code, '') as region_code,
        nullif(icb_code, '') as icb_code,
        nullif(postcode, '') as postcode,
        strptime(open_date, '%Y%m%d')::date as open_date,
        strptime(nullif(close_date, ''), '%Y%m%d')::date as close_date
    from source
)

select * from typed
