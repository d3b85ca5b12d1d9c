-- The WRES indicators, one row per year, indicator, area, breakdown and measure, with
-- full-precision values and what publication must hide (CONTRACTS.md). Suppression
-- reasons in order of precedence: declaration<80%, count 1-7 or n<11, secondary.
with suppressed as (
    select * from {{ ref('int_indicator_measures_secondary_suppressed') }}
)

select
    wres_year::integer as wres_year,
    indicator::integer as indicator,
    level,
    area_code,
    area_name,
    breakdown,
    measure,
    value::double as value,
    suppression_reason is not null as suppressed,
    suppression_reason,
    nullif(concat_ws(',',
        row_flags,
        case when is_low_declaration then 'low_declaration' end,
        case when is_source_mismatch then 'source_mismatch' end
    ), '') as flags,
    source,
    coalesce(is_sensitive, false) as is_sensitive
from suppressed
