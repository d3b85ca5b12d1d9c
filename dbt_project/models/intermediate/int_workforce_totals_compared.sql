-- From var('indicator1_return_from'): each trust's total headcount in its return against
-- workforce statistics; a relative difference above var('source_mismatch') is a warning.
with workforce_statistics as (
    select wres_year, org_code, sum(headcount) as headcount_workforce_statistics
    from {{ ref('stg_workforce_statistics__headcounts') }}
    group by all
),

returns as (
    select wres_year, org_code, sum(headcount) as headcount_return
    from {{ ref('stg_dcf__workforce') }}
    where is_latest_submission
    group by all
),

compared as (
    select
        wres_year,
        org_code,
        returns.headcount_return,
        workforce_statistics.headcount_workforce_statistics,
        abs(returns.headcount_return - workforce_statistics.headcount_workforce_statistics)::double
            / nullif(workforce_statistics.headcount_workforce_statistics, 0) as relative_difference
    from returns
    join workforce_statistics using (wres_year, org_code)
    where wres_year >= {{ var('indicator1_return_from') }}
)

select
    *,
    coalesce(relative_difference > {{ var('source_mismatch') }}, false) as is_source_mismatch
from compared
