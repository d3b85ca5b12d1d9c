-- One row per WRES year and NHS trust in England open at 31 March (int_trust_years_enumerated):
-- did it return any section of the year's WRES return, and every section? The workforce
-- section is part of the return from var('dcf_workforce_from'). The gate's return_completeness
-- suite reads it.
with trusts as (
    select wres_year, org_code from {{ ref('int_trust_years_enumerated') }}
),

expected as (
    select distinct trusts.wres_year, s.section
    from trusts
    cross join (values ('workforce'), ('recruitment'), ('disciplinary'), ('training'), ('board')) as s (section)
    where s.section <> 'workforce' or trusts.wres_year >= {{ var('dcf_workforce_from') }}
),

returned as (
    {%- for section in ['workforce', 'recruitment', 'disciplinary', 'training', 'board'] %}
    select distinct wres_year, org_code, '{{ section }}' as section from {{ ref('stg_dcf__' ~ section) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

sections as (
    select trusts.wres_year, trusts.org_code,
           count(returned.section) as sections_returned,
           count(*) as sections_expected
    from trusts
    join expected using (wres_year)
    left join returned
        on returned.wres_year = trusts.wres_year
        and returned.org_code = trusts.org_code
        and returned.section = expected.section
    group by all
)

select
    wres_year,
    org_code,
    sections_returned > 0 as returned,
    sections_returned = sections_expected as complete
from sections
