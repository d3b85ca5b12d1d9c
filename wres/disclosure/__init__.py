"""Disclosure control of a release (docs/METHODOLOGY.md, "Disclosure control and gates").

Two independent halves, so that a bug in one cannot hide in the other:
- `suppression`: which further cells to hide (reason `secondary`) so that every sensitive cell's
  feasibility interval reaches 0 and the threshold, each with its protection certificate (a
  move); runs in dbt on the confidential marts.
- `audit`: the gate's proof, from the release's own Parquet files, that no sensitive cell of a
  release (with the previous release of its year) is determined (exact linear algebra, `linalg`)
  and that each one's certificate holds against the audit's own relations (`certificates`).
Beside them: `intervals` measures feasibility intervals by linear programming (tests and small
landing zones), and `loss` counts what disclosure control cost a release.
"""
