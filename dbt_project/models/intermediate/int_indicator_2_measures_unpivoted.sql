-- Indicator 2: relative likelihood of white applicants being appointed from shortlisting
-- compared to BME applicants, (appointed_W / shortlisted_W) / (appointed_B / shortlisted_B),
-- from each trust's latest return, pooled by area.
with recruitment as (
    select *, 'all' as breakdown
    from ({{ latest_counts_by_ethnicity(ref('stg_dcf__recruitment'), ['appointed', 'shortlisted']) }})
),

pooled as (
    {{ pool_by_area('recruitment', ['breakdown'],
                    ['appointed_white', 'shortlisted_white', 'appointed_bme', 'shortlisted_bme']) }}
),

measures as (
    {{ likelihood_measures('pooled', 2, 'appointed_white', 'shortlisted_white', 'appointed_bme', 'shortlisted_bme') }}
)

select * from measures
