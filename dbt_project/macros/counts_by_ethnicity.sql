{#- Each trust's counts of white and BME staff (or applicants) from the latest submission of a
    return section: one row per WRES year and trust with <column>_white and <column>_bme. -#}
{% macro latest_counts_by_ethnicity(relation, columns) -%}
    select
        wres_year,
        org_code,
        {%- for column in columns %}
        coalesce(sum({{ column }}) filter (where ethnicity_group = 'White'), 0) as {{ column }}_white,
        coalesce(sum({{ column }}) filter (where ethnicity_group = 'BME'), 0) as {{ column }}_bme
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ relation }}
    where is_latest_submission
    group by all
{%- endmacro %}
