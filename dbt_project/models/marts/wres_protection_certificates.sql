-- Confidential, never published: for each sensitive cell that secondary suppression protected,
-- the move of hidden cells that proves its feasibility interval reaches 0 and the threshold.
-- The publication gate (published_tables) checks every certificate against the release as
-- written, with relations of its own.
select
    wres_year::integer as wres_year,
    indicator::integer as indicator,
    level,
    area_code,
    breakdown,
    measure,
    (protection_certificate::json ->> 'threshold')::integer as threshold,
    protection_certificate as certificate
from {{ ref('int_indicator_measures_secondary_suppressed') }}
where protection_certificate is not null
