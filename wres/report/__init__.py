"""The WRES report: a static, charted site built from a disclosure-controlled release."""
