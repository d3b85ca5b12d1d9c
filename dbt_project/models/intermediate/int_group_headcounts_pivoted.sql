-- Each trust's headcount of white and BME staff (and all staff) at 31 March of the WRES
-- year, from indicator 1: the denominators of indicators 3 and 4, the weights of the
-- England survey figures and the workforce share of indicator 9.
select
    wres_year,
    org_code,
    coalesce(sum(headcount) filter (where ethnicity_group = 'White'), 0) as headcount_white,
    coalesce(sum(headcount) filter (where ethnicity_group = 'BME'), 0) as headcount_bme,
    sum(headcount) as headcount_total
from {{ ref('int_workforce_headcounts_unioned') }}
group by all
