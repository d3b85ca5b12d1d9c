"""published.release_cells: the cells of the current releases, recorded in the warehouse for the next
build's secondary suppression (wres.disclosure.releases), and kept in step with the releases on disk."""

import hashlib
import json
import shutil

import duckdb

from wres.disclosure.releases import RELEASE_CELLS, record_release_cells, unrecorded_releases


def release(publish_dir, year, cells, manifest):
    """A release folder of `year` with its indicator table (`cells`: (area_code, value) of indicator 1's
    all-staff headcount at trusts) and its manifest."""
    folder = publish_dir / str(year)
    folder.mkdir(parents=True)
    rows = " union all ".join(f"select {year}::integer as wres_year, 1::integer as indicator, 'trust' as level, "
                              f"'{area}' as area_code, 'all' as breakdown, 'headcount_total' as measure, "
                              f"{'null' if value is None else value}::double as value" for area, value in cells)
    duckdb.sql(f"copy ({rows}) to '{folder / 'wres_indicator_summary.parquet'}' (format parquet)")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()


def recorded(con):
    return con.execute(f"select wres_year, area_code, value, release_manifest_sha256 from {RELEASE_CELLS} "
                       "order by 1, 2").fetchall()


def test_the_current_releases_cells_are_recorded_and_only_changed_releases_rewritten(tmp_path):
    publish = tmp_path / "published"
    first = {2017: release(publish, 2017, [("RAA", 65), ("RBB", None)], {"published_at": "2017"}),
             2018: release(publish, 2018, [("RAA", 251)], {"published_at": "2018"})}
    (publish / "gate_reports" / "2018").mkdir(parents=True)  # not a release
    con = duckdb.connect(str(tmp_path / "wres.duckdb"))
    try:
        assert unrecorded_releases(con, publish) == [2017, 2018]
        assert record_release_cells(con, publish) == {2017: 2, 2018: 1}
        assert recorded(con) == [(2017, "RAA", 65.0, first[2017]), (2017, "RBB", None, first[2017]),
                                 (2018, "RAA", 251.0, first[2018])]
        assert unrecorded_releases(con, publish) == [] and record_release_cells(con, publish) == {}

        # 2018 republished (RAA's revised return hides its headcount now), 2017 withdrawn.
        shutil.rmtree(publish / "2018")
        second = release(publish, 2018, [("RAA", None), ("RCC", 12)], {"published_at": "2018 again"})
        shutil.rmtree(publish / "2017")
        assert unrecorded_releases(con, publish) == [2017, 2018]
        assert record_release_cells(con, publish) == {2017: 0, 2018: 2}
        assert recorded(con) == [(2018, "RAA", None, second), (2018, "RCC", 12.0, second)]
    finally:
        con.close()


def test_a_release_swapped_in_without_its_cells_recorded_is_recorded_before_the_next_build(refreshed, tmp_path):
    """The refresh records each release's cells after publishing it; a refresh killed in between leaves a
    release whose cells are not recorded, which a build records first (here `wres dbt -- build` of one
    seed; the refresh's dbt step does the same); a dbt command that builds nothing records nothing."""
    from click.testing import CliRunner

    from orchestration.cli import main
    from tests.conftest import copy_of

    settings = copy_of(refreshed, tmp_path)
    con = duckdb.connect(str(settings.warehouse))
    try:
        in_release = con.execute("select count(*) from read_parquet(?)",
                                 [str(settings.publish_dir / "2018" / "wres_indicator_summary.parquet")]).fetchall()
        assert con.execute(f"select count(*) from {RELEASE_CELLS} where wres_year = 2018").fetchall() == in_release
        assert unrecorded_releases(con, settings.publish_dir) == []
        con.execute(f"delete from {RELEASE_CELLS} where wres_year = 2018")  # as if killed before recording
    finally:
        con.close()
    wres = ["--raw-dir", str(settings.raw_dir), "--warehouse", str(settings.warehouse),
            "--publish-dir", str(settings.publish_dir), "dbt", "--"]
    result = CliRunner().invoke(main, [*wres, "ls", "--quiet", "--select", "regions"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert unrecorded_releases(con, settings.publish_dir) == [2018]
    finally:
        con.close()
    result = CliRunner().invoke(main, [*wres, "build", "--select", "regions"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute(f"select count(*) from {RELEASE_CELLS} where wres_year = 2018").fetchall() == in_release
        # What the release hid is recorded as hidden.
        assert con.execute(f"""select count(*) from {RELEASE_CELLS} c join marts.wres_indicator_summary m
                               using (wres_year, indicator, level, area_code, breakdown, measure)
                               where m.suppressed and c.value is not null""").fetchall() == [(0,)]
    finally:
        con.close()
