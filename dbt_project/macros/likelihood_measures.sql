{#- Rows of a relative-likelihood indicator (2, 3, 4) from pooled counts: rate_white and
    rate_bme (0-100), relative_likelihood of the disadvantaged-direction ratio, and its 95%
    confidence interval. `bme_over_white` sets the direction: indicator 3 compares BME to
    white, indicators 2 and 4 white to BME. The relative-likelihood row carries the
    `adverse_impact` (four-fifths rule) and `significant` (interval excludes 1) flags. -#}
{% macro likelihood_measures(relation, indicator, a_white, n_white, a_bme, n_bme, bme_over_white=false) -%}
    {%- if bme_over_white -%}
        {%- set args = [a_bme, n_bme, a_white, n_white] -%}
    {%- else -%}
        {%- set args = [a_white, n_white, a_bme, n_bme] -%}
    {%- endif -%}
    {%- set counts = [a_white, n_white, a_bme, n_bme] -%}
    with _rl as (
        select
            *,
            {{ relative_likelihood(*args) }} as _value,
            {{ log_ci_half_width(*args) }} as _half_width
        from {{ relation }}
    ),

    _rows as (
        select wres_year, level, area_code, area_name, breakdown, 'rate_white' as measure,
               {{ pct(a_white, n_white) }} as value,
               {{ any_small_count([a_white, n_white]) }} as uses_small_count, null::varchar as row_flags
        from _rl
        union all
        select wres_year, level, area_code, area_name, breakdown, 'rate_bme',
               {{ pct(a_bme, n_bme) }}, {{ any_small_count([a_bme, n_bme]) }}, null
        from _rl
        union all
        select wres_year, level, area_code, area_name, breakdown, 'relative_likelihood', _value,
               {{ any_small_count(counts) }},
               nullif(concat_ws(',',
                   case when _value < {{ var('four_fifths_lower') }} or _value > {{ var('four_fifths_upper') }}
                        then 'adverse_impact' end,
                   case when _half_width is not null and (ln(_value) - _half_width > 0 or ln(_value) + _half_width < 0)
                        then 'significant' end), '')
        from _rl
        union all
        select wres_year, level, area_code, area_name, breakdown, 'ci_lower',
               exp(ln(_value) - _half_width), {{ any_small_count(counts) }}, null
        from _rl
        union all
        select wres_year, level, area_code, area_name, breakdown, 'ci_upper',
               exp(ln(_value) + _half_width), {{ any_small_count(counts) }}, null
        from _rl
    )

    select
        wres_year, {{ indicator }} as indicator, level, area_code, area_name, breakdown, measure, value,
        uses_small_count, null::bigint as respondents, row_flags
    from _rows
{%- endmacro %}
