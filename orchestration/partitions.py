"""WRES years as Dagster partitions: added as years appear in the landing zone."""

import dagster as dg

wres_year_partitions = dg.DynamicPartitionsDefinition(name="wres_year")
