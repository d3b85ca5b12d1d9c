with source as (
    select * from {{ source('raw', 'workforce_statistics') }}
),

ethnic_categories as (
    select * from {{ ref('ethnic_categories') }}
),

typed as (
    select
        source.wres_year,
        source.census_date::date as census_date,
        source.org_code,
        source.staff_group,
        source.pay_band,
        nullif(trim(source.ethnic_category), '') as ethnic_category,
        -- Z, 99, blank and any code outside the NHS Data Dictionary list are Unknown.
        coalesce(ethnic_categories.ethnicity_group, 'Unknown') as ethnicity_group,
        source.headcount::bigint as headcount,
        source.source_file
    from source
    left join ethnic_categories
        on trim(source.ethnic_category) = ethnic_categories.ethnic_category
)

select * from typed
