from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.handmade import write_handmade_landing_zone
from wres.config import Settings, load_settings
from wres.dbt import run_dbt
from wres.ingest.load import ingest_reference, ingest_year


def settings_in(folder: Path) -> Settings:
    """Settings whose landing zone, warehouse and releases all live in `folder`."""
    return load_settings().with_paths(raw_dir=folder / "raw", warehouse=folder / "warehouse" / "wres.duckdb",
                                      publish_dir=folder / "published")


def build_warehouse(settings: Settings, years) -> None:
    """Ingest the reference and `years`, then dbt build (models and their tests)."""
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse))
    try:
        ingest_reference(con, settings.raw_dir)
        for year in years:
            ingest_year(con, settings.raw_dir, year, settings)
    finally:
        con.close()
    result = run_dbt(["build"], settings, capture=True)
    assert result.returncode == 0, result.stdout[-6000:]


class Warehouse:
    def __init__(self, settings: Settings):
        self.settings = settings

    def rows(self, sql: str, params=None) -> list[tuple]:
        con = duckdb.connect(str(self.settings.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def value(self, sql: str, params=None):
        rows = self.rows(sql, params)
        assert len(rows) == 1, f"expected one row, got {rows}"
        return rows[0][0] if len(rows[0]) == 1 else rows[0]

    def measure(self, year, indicator, level, area, measure, breakdown="all"):
        """(value, suppressed, suppression_reason, flags) of one mart row."""
        return self.value(
            "select value, suppressed, suppression_reason, flags from marts.wres_indicator_summary "
            "where wres_year = ? and indicator = ? and level = ? and area_code = ? and measure = ? and breakdown = ?",
            [year, indicator, level, area, measure, breakdown])


@pytest.fixture(scope="session")
def handmade(tmp_path_factory) -> Warehouse:
    """The hand-made landing zone, loaded and built once for the session."""
    folder = tmp_path_factory.mktemp("handmade")
    settings = settings_in(folder)
    write_handmade_landing_zone(settings.raw_dir)
    build_warehouse(settings, [2017, 2018])
    return Warehouse(settings)


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """The hand-made landing zone built, and WRES 2018 published through its gate (with its report)."""
    from wres.publish.release import publish_year

    settings = settings_in(tmp_path_factory.mktemp("released"))
    write_handmade_landing_zone(settings.raw_dir)
    build_warehouse(settings, [2017, 2018])
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    release, gate = publish_year(con, 2018, settings)
    yield settings, con, release, gate
    con.close()
