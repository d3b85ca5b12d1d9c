-- Indicator 1 race disparity ratios per Agenda for Change staff group: the likelihood of
-- white staff being in a higher band group relative to BME staff (lower = bands 1-5,
-- middle = 6-7, upper = 8a and above incl. VSM; pay_bands seed). 1 is parity.
with headcounts as (
    select * from {{ ref('int_workforce_headcounts_unioned') }}
),

pay_bands as (
    select * from {{ ref('pay_bands') }}
    where band_level in ('lower', 'middle', 'upper')
),

by_level as (
    select
        h.wres_year,
        h.org_code,
        h.staff_group as breakdown,
        {%- for g in ['White', 'BME'] %}
        {%- for lvl in ['lower', 'middle', 'upper'] %}
        coalesce(sum(h.headcount) filter (where h.ethnicity_group = '{{ g }}' and p.band_level = '{{ lvl }}'), 0)
            as {{ g | lower }}_{{ lvl }}{% if not (loop.last and g == 'BME') %},{% endif %}
        {%- endfor %}
        {%- endfor %}
    from headcounts as h
    join pay_bands as p using (staff_group, pay_band)
    group by all
),

pooled as (
    {{ pool_by_area('by_level', ['breakdown'],
                    ['white_lower', 'white_middle', 'white_upper', 'bme_lower', 'bme_middle', 'bme_upper']) }}
),

measures as (
    {%- set pairs = [('lower', 'middle'), ('middle', 'upper'), ('lower', 'upper')] %}
    {%- for low, high in pairs %}
    select wres_year, level, area_code, area_name, breakdown,
           'disparity_{{ low }}_to_{{ high }}' as measure,
           {{ relative_likelihood('white_' ~ high, 'white_' ~ low, 'bme_' ~ high, 'bme_' ~ low) }} as value,
           {{ any_small_count(['white_' ~ high, 'white_' ~ low, 'bme_' ~ high, 'bme_' ~ low]) }} as uses_small_count
    from pooled
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

{{ count_measure_rows(1) }}
