-- England counts of indicators 1 and 2 equal the sum of their trusts' counts.
with trusts as (
    select wres_year, indicator, breakdown, measure, sum(value) as trust_sum
    from {{ ref('wres_indicator_summary') }}
    where level = 'trust' and measure like 'headcount_%'
    group by all
),

england as (
    select wres_year, indicator, breakdown, measure, value as england_value
    from {{ ref('wres_indicator_summary') }}
    where level = 'england' and measure like 'headcount_%'
)

select *
from england
full join trusts using (wres_year, indicator, breakdown, measure)
where england_value is distinct from trust_sum
