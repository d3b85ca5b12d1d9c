"""Disclosure control of a release (DOMAIN.md, "Disclosure control and gates").

Two independent halves, so that a bug in one cannot hide in the other:
- `suppression`: which further cells to hide (reason `secondary`) so that no sensitive cell
  can be derived from the published ones; runs in dbt on the confidential marts.
- `audit`: the gate's proof, by exact linear algebra over the relations a release publishes,
  that no sensitive cell of a release (with the previous release of its year) is determined;
  it reads the release's own Parquet files.
"""
