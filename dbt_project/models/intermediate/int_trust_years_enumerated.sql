-- One row per WRES year and NHS trust in England open at 31 March of that year, with its
-- region, integrated care board and trust type.
with trusts as (
    select * from {{ ref('stg_ods__trusts') }}
    where region_code is not null
),

trust_types as (
    select * from {{ ref('stg_reference__trust_types') }}
),

regions as (
    select * from {{ ref('regions') }}
),

icb_names as (
    select * from {{ ref('stg_reference__icb_names') }}
),

years_loaded as (
    select wres_year from {{ ref('stg_workforce_statistics__headcounts') }}
    union
    select wres_year from {{ ref('stg_dcf__recruitment') }}
    union
    select wres_year from {{ ref('stg_staff_survey__respondents') }}
),

years as (
    select distinct wres_year, make_date(wres_year, 3, 31) as census_date
    from years_loaded
    where wres_year >= {{ var('first_wres_year') }}
)

select
    years.wres_year,
    years.census_date,
    trusts.org_code,
    trusts.trust_name,
    trusts.region_code,
    regions.region_name,
    -- Today's ICB footprint (ODS column 4) for every year: a stated choice (docs/METHODOLOGY.md).
    coalesce(trusts.icb_code, 'unknown ICB') as icb_code,
    coalesce(icb_names.icb_name, trusts.icb_code, 'unknown ICB') as icb_name,
    coalesce(trust_types.trust_type, 'Unclassified') as trust_type
from years
join trusts
    on trusts.open_date <= years.census_date
    and (trusts.close_date is null or trusts.close_date > years.census_date)
left join regions using (region_code)
left join trust_types using (org_code)
left join icb_names on icb_names.icb_code = trusts.icb_code
