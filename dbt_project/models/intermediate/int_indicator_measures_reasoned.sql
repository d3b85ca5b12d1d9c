-- Every indicator measure of every area with its data-quality annotations and its primary
-- disclosure-control reason, in order of precedence: declaration<80% (a withheld trust's
-- indicators 1-4 and 9), count 1-7 (counts below England, board counts exempt by
-- configuration) or n<11 (survey groups below England), and whether the value is sensitive.
-- Secondary suppression follows in
-- int_indicator_measures_secondary_suppressed.
{%- set measure_models = [
    'int_indicator_1_measures_unpivoted',
    'int_indicator_1_disparity_ratios_computed',
    'int_indicator_2_measures_unpivoted',
    'int_indicator_3_measures_unpivoted',
    'int_indicator_4_measures_unpivoted',
    'int_indicator_5_8_measures_unpivoted',
    'int_indicator_9_measures_unpivoted',
] %}
{%- set survey_indicators = '(5, 6, 7, 8)' %}
{%- set workforce_indicators = '(1, 2, 3, 4, 9)' %}
with measures as (
    {%- for model in measure_models %}
    select * from {{ ref(model) }}
    {% if not loop.last %}union all by name{% endif %}
    {%- endfor %}
),

declaration as (
    select * from {{ ref('int_declaration_rates_computed') }}
),

mismatch as (
    select * from {{ ref('int_workforce_totals_compared') }}
),

sources as (
    select * from {{ ref('int_indicator_1_sources_resolved') }}
),

annotated as (
    select
        measures.*,
        coalesce(declaration.is_withheld, false) as is_withheld,
        coalesce(declaration.is_low_declaration, false) as is_low_declaration,
        coalesce(mismatch.is_source_mismatch, false) as is_source_mismatch,
        sources.source
    from measures
    left join declaration
        on measures.level = 'trust'
        and measures.indicator in {{ workforce_indicators }}
        and declaration.wres_year = measures.wres_year
        and declaration.org_code = measures.area_code
    left join mismatch
        on measures.level = 'trust'
        and measures.indicator = 1
        and mismatch.wres_year = measures.wres_year
        and mismatch.org_code = measures.area_code
    left join sources
        on measures.indicator = 1
        and sources.wres_year = measures.wres_year
        and sources.level = measures.level
        and sources.area_code = measures.area_code
),

reasoned as (
    select
        *,
        case
            -- The declaration rate itself stays published: it says why the rest is withheld.
            when is_withheld and measure <> 'declaration_rate' then 'declaration<80%'
            when level <> 'england' and indicator not in {{ survey_indicators }} and uses_small_count
                then 'count 1-7'
            when level <> 'england' and indicator in {{ survey_indicators }}
                and respondents < {{ var('survey_min_respondents') }}
                then 'n<11'
        end as suppression_reason,
        -- Sensitive: secondary suppression must keep the value underivable. A withheld
        -- trust's value built from a count of 1-7 is sensitive although its reason stays
        -- declaration<80%; England is never suppressed.
        level <> 'england' and (
            (indicator not in {{ survey_indicators }} and uses_small_count)
            or (indicator in {{ survey_indicators }} and respondents < {{ var('survey_min_respondents') }})
        ) as is_sensitive
    from annotated
)

select * from reasoned
