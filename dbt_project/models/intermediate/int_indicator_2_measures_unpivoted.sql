-- Indicator 2: relative likelihood of white applicants being appointed from shortlisting
-- compared to BME applicants, (appointed_W / shortlisted_W) / (appointed_B / shortlisted_B),
-- from each trust's latest return, pooled by area.
with recruitment as (
    select
        wres_year,
        org_code,
        'all' as breakdown,
        coalesce(sum(appointed) filter (where ethnicity_group = 'White'), 0) as appointed_white,
        coalesce(sum(shortlisted) filter (where ethnicity_group = 'White'), 0) as shortlisted_white,
        coalesce(sum(appointed) filter (where ethnicity_group = 'BME'), 0) as appointed_bme,
        coalesce(sum(shortlisted) filter (where ethnicity_group = 'BME'), 0) as shortlisted_bme
    from {{ ref('stg_dcf__recruitment') }}
    where is_latest_submission
    group by all
),

pooled as (
    {{ pool_by_area('recruitment', ['breakdown'],
                    ['appointed_white', 'shortlisted_white', 'appointed_bme', 'shortlisted_bme']) }}
),

measures as (
    {{ likelihood_measures('pooled', 2, 'appointed_white', 'shortlisted_white', 'appointed_bme', 'shortlisted_bme') }}
)

select * from measures
