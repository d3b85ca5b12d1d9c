-- Indicator 4: relative likelihood of white staff accessing non-mandatory training and CPD
-- compared to BME staff, (accessed_W / headcount_W) / (accessed_B / headcount_B), headcounts
-- at 31 March of the year from indicator 1.
with accessed as (
    {{ latest_counts_by_ethnicity(ref('stg_dcf__training'), ['accessed_training']) }}
),

training as (
    select
        accessed.wres_year,
        accessed.org_code,
        'all' as breakdown,
        accessed.accessed_training_white as accessed_white,
        headcounts.headcount_white,
        accessed.accessed_training_bme as accessed_bme,
        headcounts.headcount_bme
    from accessed
    join {{ ref('int_group_headcounts_pivoted') }} as headcounts using (wres_year, org_code)
),

pooled as (
    {{ pool_by_area('training', ['breakdown'],
                    ['accessed_white', 'headcount_white', 'accessed_bme', 'headcount_bme']) }}
),

measures as (
    {{ likelihood_measures('pooled', 4, 'accessed_white', 'headcount_white', 'accessed_bme', 'headcount_bme') }}
)

select * from measures
