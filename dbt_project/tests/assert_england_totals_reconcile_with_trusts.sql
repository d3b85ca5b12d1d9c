-- England counts (headcounts of indicator 1, board members of indicator 9) equal the sum of
-- their trusts' counts, per year, indicator, breakdown and count.
with counts as (
    select * from {{ ref('wres_indicator_summary') }}
    where measure like 'headcount_%' or measure like 'members_%'
),

trusts as (
    select wres_year, indicator, breakdown, measure, sum(value) as trust_sum
    from counts
    where level = 'trust'
    group by all
),

england as (
    select wres_year, indicator, breakdown, measure, value as england_value
    from counts
    where level = 'england'
)

select *, coalesce(england_value, 0) - coalesce(trust_sum, 0) as difference
from england
full join trusts using (wres_year, indicator, breakdown, measure)
where abs(coalesce(england_value, 0) - coalesce(trust_sum, 0)) > 1e-6
