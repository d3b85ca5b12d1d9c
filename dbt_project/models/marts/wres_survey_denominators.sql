-- Confidential, never published: the respondents behind each survey figure of the indicator
-- mart (the legacy indicator 7 figures have their own). The gate checks that no published
-- survey figure comes from fewer than var('survey_min_respondents') respondents.
select wres_year, indicator, level, area_code, breakdown, measure, respondents
from {{ ref('int_indicator_5_8_measures_unpivoted') }}
