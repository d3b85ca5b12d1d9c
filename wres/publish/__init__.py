"""Publication: disclosure-controlled releases of a WRES year, written atomically."""
