-- Names of integrated care boards from the optional reference/icb_names.csv (empty without it).
with source as (
    select * from {{ source('raw', 'icb_names') }}
)

select
    trim(icb_code) as icb_code,
    trim(icb_name) as icb_name
from source
