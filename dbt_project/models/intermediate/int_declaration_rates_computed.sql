-- Each trust's ethnicity declaration rate, 1 - unknown / total headcount, and what follows
-- from it: below var('declaration_warning') a warning, below var('declaration_withhold') its
-- indicators 1-4 and 9 are withheld from publication.
with headcounts as (
    select
        wres_year,
        org_code,
        sum(headcount) as headcount_total,
        sum(headcount) filter (where ethnicity_group = 'Unknown') as headcount_unknown
    from {{ ref('int_workforce_headcounts_unioned') }}
    group by all
),

rated as (
    select
        wres_year,
        org_code,
        headcount_total,
        coalesce(headcount_unknown, 0) as headcount_unknown,
        1 - coalesce(headcount_unknown, 0)::double / nullif(headcount_total, 0) as declaration_rate
    from headcounts
)

select
    *,
    coalesce(declaration_rate < {{ var('declaration_warning') }}, false) as is_low_declaration,
    coalesce(declaration_rate < {{ var('declaration_withhold') }}, false) as is_withheld
from rated
