"""Ingest: landing-zone files into the warehouse's raw schema."""
