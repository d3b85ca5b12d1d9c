{#- Rows of the model whose `columns` match no row of `to` (a relationship on several columns).
    Every column of the orphan rows is returned, so a failure names its year, trust and file. -#}
{% test exists_in(model, to, columns) %}
select *
from {{ model }} child
where not exists (
    select 1 from {{ to }} parent
    where {% for column in columns %}parent.{{ column }} = child.{{ column }}{% if not loop.last %} and {% endif %}{% endfor %}
)
{% endtest %}
