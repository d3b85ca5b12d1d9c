{#- Small helpers shared by the models. Thresholds come from var(), set from wres.toml. -#}

{% macro is_small_count(count) -%}
    ({{ count }} between {{ var('small_count_min') }} and {{ var('small_count_max') }})
{%- endmacro %}

{% macro any_small_count(counts) -%}
    {%- if counts | length == 0 %}false{% else -%}
    ({% for c in counts %}coalesce({{ is_small_count(c) }}, false){% if not loop.last %} or {% endif %}{% endfor %})
    {%- endif %}
{%- endmacro %}

{#- The counts among `counts` whose smallness discloses ethnicity: a not-stated (unknown) count
    does not (METHODOLOGY.md, disclosure control), so it is published unless secondary suppression
    needs it. -#}
{% macro disclosive(counts) -%}
    {%- set out = [] %}
    {%- for c in counts if 'unknown' not in c %}{% do out.append(c) %}{% endfor %}
    {{- return(out) }}
{%- endmacro %}

{% macro safe_ratio(numerator, denominator) -%}
    ({{ numerator }})::double / nullif({{ denominator }}, 0)
{%- endmacro %}

{% macro pct(numerator, denominator) -%}
    100.0 * {{ safe_ratio(numerator, denominator) }}
{%- endmacro %}

{#- Relative likelihood of group 1 relative to group 2 with its 95% confidence interval
    on the log scale: exp(ln RL +- z * sqrt(1/a1 - 1/n1 + 1/a2 - 1/n2)), null when any count is 0. -#}
{% macro log_ci_half_width(a1, n1, a2, n2) -%}
    case when {{ a1 }} > 0 and {{ n1 }} > 0 and {{ a2 }} > 0 and {{ n2 }} > 0
         then {{ var('confidence_z') }} * sqrt(1.0 / {{ a1 }} - 1.0 / {{ n1 }} + 1.0 / {{ a2 }} - 1.0 / {{ n2 }})
    end
{%- endmacro %}

{% macro relative_likelihood(a1, n1, a2, n2) -%}
    ({{ safe_ratio(a1, n1) }}) / nullif({{ safe_ratio(a2, n2) }}, 0)
{%- endmacro %}

{#- The latest submission of a trust's return section for a WRES year replaces earlier ones whole. -#}
{% macro is_latest_submission() -%}
    (dense_rank() over (partition by wres_year, org_code order by submitted_at desc, submission_id desc) = 1)
{%- endmacro %}

{#- Pools trust-level counts into trust, region, ICB, trust type and England rows.
    `relation` has wres_year, org_code, the `keys` columns and the `sums` columns; trusts
    come from int_trust_years_enumerated (open at 31 March of the year). -#}
{% macro pool_by_area(relation, keys, sums) -%}
    {%- set key_list = keys | join(', ') -%}
    {%- set sum_list -%}{% for s in sums %}sum({{ s }})::bigint as {{ s }}{% if not loop.last %}, {% endif %}{% endfor %}{%- endset -%}
    {%- set levels = [
        ('trust', 't.org_code', 't.trust_name'),
        ('region', 't.region_code', 't.region_name'),
        ('icb', 't.icb_code', 't.icb_name'),
        ('trust_type', 't.trust_type', 't.trust_type'),
        ('england', "'ENG'", "'England'"),
    ] -%}
    with _joined as (
        select r.*, t.trust_name, t.region_code, t.region_name, t.icb_code, t.icb_name, t.trust_type
        from {{ relation }} as r
        join {{ ref('int_trust_years_enumerated') }} as t using (wres_year, org_code)
    )
    {% for level, code, name in levels %}
    select wres_year, '{{ level }}' as level, {{ code | replace('t.', '') }} as area_code,
           {{ name | replace('t.', '') }} as area_name{% if keys %}, {{ key_list }}{% endif %}, {{ sum_list }}
    from _joined
    group by all
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}

{#- The columns every int_indicator_* model hands to the summary, for a CTE of count-based
    measures (wres_year, level, area_code, area_name, breakdown, measure, value, uses_small_count). -#}
{% macro count_measure_rows(indicator, relation='measures') -%}
    select
        wres_year, {{ indicator }} as indicator, level, area_code, area_name, breakdown, measure, value,
        uses_small_count, null::bigint as respondents, null::varchar as row_flags
    from {{ relation }}
{%- endmacro %}
