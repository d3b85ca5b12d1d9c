"""The NHS Workforce Race Equality Standard (WRES) warehouse."""
