"""Data quality: the tables the publication gate validates, and the gate itself (GX)."""
