"""A deterministic, realistic demo landing zone (see `generate_landing_zone`)."""

from wres.generate.landing_zone import generate_landing_zone

__all__ = ["generate_landing_zone"]
