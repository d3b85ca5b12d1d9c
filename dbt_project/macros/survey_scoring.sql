{#- The question map and answer scales (seeds survey_question_map, survey_answers) read at
    compile time, as a list of periods of survey years, each with its indicators and, for each
    indicator, its question columns with the answers they accept, the answers that count
    (experienced, or Yes) and the answers of indicator 7's legacy denominator (Yes / (Yes + No)
    leaves out Don't know): [{first, last, indicators: {5: [{column, answers, positive, legacy}]}}].
    Empty while the seeds are not loaded yet (parsing, or a `dbt compile` before any build). -#}
{% macro survey_question_periods() -%}
    {%- set periods = [] -%}
    {%- if execute -%}
        {%- set map_relation = load_relation(ref('survey_question_map')) -%}
        {%- set answers_relation = load_relation(ref('survey_answers')) -%}
        {%- if map_relation is not none and answers_relation is not none -%}
            {%- set rows = run_query(
                "select m.first_survey_year, m.last_survey_year, m.indicator, m.question_column, a.answer, "
                ~ "coalesce(a.is_experienced, a.is_yes, false) as counts "
                ~ "from " ~ map_relation ~ " as m join " ~ answers_relation ~ " as a using (answer_kind) "
                ~ "order by m.first_survey_year, m.indicator, m.question_column, a.answer").rows -%}
            {%- set by_period = {} -%}
            {%- for row in rows -%}
                {%- set key = (row[0] | int, row[1] | int) -%}
                {%- if key not in by_period -%}
                    {%- do by_period.update({key: {'first': key[0], 'last': key[1], 'indicators': {}}}) -%}
                    {%- do periods.append(by_period[key]) -%}
                {%- endif -%}
                {%- set indicators = by_period[key]['indicators'] -%}
                {%- if (row[2] | int) not in indicators -%}
                    {%- do indicators.update({row[2] | int: []}) -%}
                {%- endif -%}
                {%- set questions = indicators[row[2] | int] -%}
                {%- if not questions or questions[-1]['column'] != row[3] -%}
                    {%- do questions.append({'column': row[3], 'answers': [], 'positive': [], 'legacy': []}) -%}
                {%- endif -%}
                {%- do questions[-1]['answers'].append(row[4]) -%}
                {%- if row[5] -%}{%- do questions[-1]['positive'].append(row[4]) -%}{%- endif -%}
                {%- if row[4] in ('Yes', 'No') -%}{%- do questions[-1]['legacy'].append(row[4]) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(periods) }}
{%- endmacro %}

{#- SQL true when any of `questions` (entries of survey_question_periods) holds one of its
    answers listed under `kind` ('answers', 'positive' or 'legacy'), false otherwise (never null).
    Answers are seed text: quoted as SQL strings, never spliced in raw. -#}
{% macro survey_any_answer_in(questions, kind) -%}
    {%- set tests = [] -%}
    {%- for question in questions -%}
        {%- set answers = question[kind] -%}
        {%- if answers -%}
            {%- set quoted = [] -%}
            {%- for answer in answers -%}{%- do quoted.append("'" ~ (answer | replace("'", "''")) ~ "'") -%}{%- endfor -%}
            {%- do tests.append("coalesce(" ~ adapter.quote(question['column']) ~ " in (" ~ quoted | join(', ') ~ "), false)") -%}
        {%- endif -%}
    {%- endfor -%}
    {{- '(' ~ tests | join(' or ') ~ ')' if tests else 'false' -}}
{%- endmacro %}
