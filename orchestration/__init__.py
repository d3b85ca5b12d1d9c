"""The Dagster code location of the WRES warehouse (see definitions.py)."""
