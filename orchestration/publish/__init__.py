"""Publish: the release of each WRES year."""
