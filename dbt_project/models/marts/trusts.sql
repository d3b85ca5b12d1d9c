-- One row per WRES year and NHS trust in England open at 31 March of that year, with its region,
-- integrated care board and trust type: the reference data a release publishes (trusts.parquet),
-- from which readers, and the disclosure audit, see which trusts add up to each area.
select
    wres_year,
    org_code,
    trust_name,
    region_code,
    region_name,
    icb_code,
    icb_name,
    trust_type
from {{ ref('int_trust_years_enumerated') }}
