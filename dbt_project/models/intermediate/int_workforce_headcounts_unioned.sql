-- Indicator 1 headcounts by trust, staff group, pay band and ethnicity group, from the
-- source in force: NHS workforce statistics before var('indicator1_return_from'), the
-- latest WRES return (DCF) from then on. From that year a trust without a workforce
-- return falls back to workforce statistics; `source` records which was used.
with workforce_statistics as (
    select wres_year, org_code, staff_group, pay_band, ethnicity_group, sum(headcount) as headcount
    from {{ ref('stg_workforce_statistics__headcounts') }}
    group by all
),

returns as (
    select wres_year, org_code, staff_group, pay_band, ethnicity_group, sum(headcount) as headcount
    from {{ ref('stg_dcf__workforce') }}
    where is_latest_submission
    group by all
),

returned_trusts as (
    select distinct wres_year, org_code from returns
    where wres_year >= {{ var('indicator1_return_from') }}
),

chosen as (
    select *, 'dcf' as source
    from returns
    where wres_year >= {{ var('indicator1_return_from') }}

    union all

    select workforce_statistics.*, 'workforce_statistics' as source
    from workforce_statistics
    anti join returned_trusts using (wres_year, org_code)
)

select * from chosen
