{#- No two rows share the values of `combination`. Every column of the repeated rows is returned
    (wres_year, org_code, source_file ... where the model has them), so a failure can be traced
    to its year and file. -#}
{% test unique_combination_of_columns(model, combination) %}
select *
from (
    select *, count(*) over (partition by {{ combination | join(', ') }}) as occurrences
    from {{ model }}
) repeated
where occurrences > 1
{% endtest %}
