"""The publication gate: disclosure control proven on published output, and blocked years."""

import json
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.refresh import run_refresh
from tests.conftest import build_warehouse, settings_in
from tests.handmade import write_csv, write_handmade_landing_zone
from wres.disclosure.audit import audit
from wres.publish.release import GateFailed, publish_year
from wres.quality.gate import publication_checks


def published(release) -> pd.DataFrame:
    return pd.read_parquet(release.folder / "wres_indicator_summary.parquet")


def row(frame, area, indicator, measure, breakdown="all"):
    found = frame[(frame["area_code"] == area) & (frame["indicator"] == indicator) & (frame["measure"] == measure)
                  & (frame["breakdown"] == breakdown)]
    assert len(found) == 1
    return found.iloc[0]


def test_suppressed_values_are_blank_in_both_formats(released):
    _, _, release, gate = released
    assert gate.passed
    parquet = published(release)
    csv = pd.read_csv(release.folder / "wres_indicator_summary.csv")
    assert len(parquet) == len(csv) > 0
    assert parquet.loc[parquet["suppressed"], "value"].isna().all()
    assert csv.loc[csv["suppressed"], "value"].isna().all()
    assert parquet.loc[~parquet["suppressed"] & parquet["measure"].eq("headcount_total"), "value"].notna().all()


def test_no_count_of_1_to_7_is_published_below_england(released):
    frame = published(released[2])
    counts = frame[frame["measure"].str.startswith("headcount_") & (frame["level"] != "england")]
    assert not counts["value"].between(1, 7).any()
    # RBB's 6 BME staff: hidden at trust level, published in England's total.
    assert pd.isna(row(frame, "RBB", 1, "headcount_bme")["value"])
    assert row(frame, "ENG", 1, "headcount_bme")["value"] == 104 + 6 + 0


def test_board_counts_are_exempt(released):
    frame = published(released[2])
    # RAA has 2 BME executive board members: a count of 1-7, published (public information).
    assert row(frame, "RAA", 9, "members_bme", "executive")["value"] == 2


def test_no_survey_figure_from_fewer_than_11_respondents(released):
    frame = published(released[2])
    assert pd.isna(row(frame, "RBB", 5, "pct_bme")["value"])  # 4 respondents
    assert row(frame, "RBB", 5, "pct_white")["value"] == pytest.approx(100 * 5 / 15)  # 15 respondents
    assert pd.isna(row(frame, "RAA", 7, "pct_bme_legacy")["value"])  # 8 Yes/No answers


def test_withheld_trust_is_blank_but_counted_in_its_region(released):
    frame = published(released[2])
    rcc = frame[(frame["area_code"] == "RCC") & frame["indicator"].isin([1, 2, 3, 4, 9])
                & (frame["measure"] != "declaration_rate")]
    assert rcc["value"].isna().all() and (rcc["suppression_reason"] == "declaration<80%").all()
    assert row(frame, "Y58", 1, "headcount_total")["value"] == 80 + 15


def test_the_audit_proves_the_release_and_sensitive_cells_stay_confidential(released):
    settings, con, release, gate = released
    frame = published(release)
    assert (frame["suppression_reason"] == "secondary").any()
    assert "is_sensitive" not in frame.columns
    truth = con.execute("select * from marts.wres_indicator_summary where wres_year = 2018").df()
    trusts = pd.read_parquet(release.folder / "trusts.parquet")
    assert sorted(trusts["org_code"]) == ["RAA", "RBB", "RCC"]
    assert not audit(frame, trusts, truth)["is_derivable"].any()
    checks = [c for c in gate.checks if c.suite == "published_tables"]
    assert all(c.success for c in checks if c.severity == "error")
    # England is never suppressed, and RAA alone has clinical Band 6 and Band 8a staff (2 unknown,
    # 2 BME), RCC alone Non-clinical Band 3 staff (5 unknown, all of RCC's unknown): England's
    # figures give those cells away, with their region, ICB and trust type. A warning, not a block.
    (england,) = [c for c in checks if c.severity == "warning"]
    cells = {r.split(" <- ")[0] for r in england.failing_rows}
    raa = {f"1:{area}:Clinical non-medical|{band}:headcount_{part}"
           for area in ("trust:RAA", "region:Y56", "icb:QMJ", "trust_type:Acute")
           for band, part in (("Band 6", "unknown"), ("Band 8a", "bme"))}
    rcc = {f"1:{area}:{breakdown}:headcount_unknown" for area in ("trust:RCC", "trust_type:Community")
           for breakdown in ("Non-clinical|Band 3", "Non-clinical|all", "all")}
    assert england.failing_count == 16
    assert cells == raa | rcc | {f"1:{area}:Non-clinical|Band 3:headcount_unknown" for area in ("region:Y58", "icb:QJK")}
    # RAA 2018 all staff: never exactly one of the four headcounts hidden.
    raa = {m: row(frame, "RAA", 1, f"headcount_{m}") for m in ("white", "bme", "unknown", "total")}
    published_parts = [m for m, r in raa.items() if not pd.isna(r["value"])]
    assert len(published_parts) != 3


def _tampered(release, tmp_path, change) -> Path:
    """A copy of the release folder with its indicator table changed by `change(frame)`."""
    folder = tmp_path / "tampered"
    folder.mkdir()
    frame = published(release)
    change(frame)
    frame.to_parquet(folder / "wres_indicator_summary.parquet")
    (folder / "trusts.parquet").write_bytes((release.folder / "trusts.parquet").read_bytes())
    return folder


def test_the_gate_catches_a_cell_published_by_mistake(released, tmp_path):
    settings, con, release, _ = released
    leak = lambda f: (f["area_code"] == "RBB") & (f["measure"] == "headcount_bme") & (f["breakdown"] == "all")  # noqa: E731

    def publish_six(frame):
        frame.loc[leak(frame), "value"] = 6.0

    folder = _tampered(release, tmp_path, publish_six)
    results = {c.guards: c for c in publication_checks(con, 2018, folder, None, settings)}
    small = results["no count of 1-7 below England (board counts exempt by configuration)"]
    assert not small.success and small.failing_rows == ["1:trust:RBB:all:headcount_bme <- the value is published"]
    assert not results["no value where suppressed"].success
    derivable = next(c for g, c in results.items() if g.startswith("no sensitive cell"))
    assert not derivable.success
    assert any(r.startswith("1:trust:RBB:all:headcount_bme <- the value is published") for r in derivable.failing_rows)


def test_release_manifest_and_report(released):
    _, _, release, gate = released
    manifest = json.loads((release.folder / "manifest.json").read_text())
    assert manifest["gate"]["passed"] is True
    assert len(manifest["checks"]) == len(gate.checks) > 20
    assert {c["severity"] for c in manifest["checks"]} == {"error", "warning"}
    assert manifest["suppression"]["declaration<80%"] > 0 and manifest["suppression"]["secondary"] > 0
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    report = (release.folder / "data_quality.html").read_text()
    assert "PASSED: published" in report and "every return holds every section" in report and "RCC" in report


@pytest.fixture
def zone(tmp_path):
    settings = settings_in(tmp_path)
    write_handmade_landing_zone(settings.raw_dir)
    return settings


def test_unknown_organisation_code_blocks_its_year(zone):
    write_csv(zone.raw_dir / "dcf" / "2018" / "training__S18-ZZZ-1.csv",
              ["org_code", "submission_id", "submitted_at", "ethnicity_group", "accessed_training"],
              [("ZZZ", "S18-ZZZ-1", "2018-07-05T10:00:00", "White", 3)])
    build_warehouse(zone, [2017, 2018])
    con = duckdb.connect(str(zone.warehouse), read_only=True)
    with pytest.raises(GateFailed) as failure:
        publish_year(con, 2018, zone)
    message = str(failure.value)
    assert "organisation codes are NHS trusts of the ODS reference" in message
    assert "dcf/2018/training__S18-ZZZ-1.csv (ZZZ" in message
    assert not (zone.publish_dir / "2018").exists()
    report = zone.publish_dir / "gate_reports" / "2018" / "data_quality.html"
    assert "FAILED: not published" in report.read_text()
    release, _ = publish_year(con, 2017, zone)  # the other year still publishes
    assert release.folder.exists()


def test_files_changed_since_the_load_block_the_year(zone):
    build_warehouse(zone, [2017, 2018])
    # A revision lands (or a broken file replaces a good one) but the year is not loaded again.
    write_csv(zone.raw_dir / "dcf" / "2018" / "training__S18-RBB-2.csv",
              ["org_code", "submission_id", "submitted_at", "ethnicity_group", "accessed_training"],
              [("RBB", "S18-RBB-2", "2018-09-01T10:00:00", "White", 36)])
    con = duckdb.connect(str(zone.warehouse), read_only=True)
    with pytest.raises(GateFailed) as failure:
        publish_year(con, 2018, zone)
    assert "the release is built from the files now in the landing zone" in str(failure.value)
    assert "dcf/2018/training__S18-RBB-2.csv" in str(failure.value)
    release, _ = publish_year(con, 2017, zone)  # 2017's files are unchanged
    assert release.folder.exists()


def test_return_rate_below_95_percent_blocks_its_year(zone):
    for path in (zone.raw_dir / "dcf" / "2018").glob("*__S18-RCC-1.csv"):
        path.unlink()  # 2 of the 3 trusts open at 31 March 2018 made a return: 67%
    build_warehouse(zone, [2017, 2018])
    con = duckdb.connect(str(zone.warehouse), read_only=True)
    with pytest.raises(GateFailed, match="at least 95% of the trusts open at 31 March made a return"):
        publish_year(con, 2018, zone)


def test_a_failed_gate_keeps_the_previous_release(zone):
    with dg.DagsterInstance.ephemeral() as instance:
        assert run_refresh(zone, [2017, 2018], instance).published == [2017, 2018]
        before = (zone.publish_dir / "2018" / "manifest.json").read_text()
        write_csv(zone.raw_dir / "dcf" / "2018" / "board__S18-ZZZ-1.csv",
                  ["org_code", "submission_id", "submitted_at", "board_role", "voting", "ethnicity_group", "members"],
                  [("ZZZ", "S18-ZZZ-1", "2018-07-05T10:00:00", "Executive", "Y", "White", 3)])
        again = run_refresh(zone, [2017, 2018], instance)
        assert again.published == [2017]
        failure = next(f for f in again.failures if f.name == "ingest WRES 2018")
        assert "board__S18-ZZZ-1.csv (ZZZ" in failure.error
        assert (zone.publish_dir / "2018" / "manifest.json").read_text() == before
        # The warehouse still answers queries.
        con = duckdb.connect(str(zone.warehouse), read_only=True)
        assert con.execute("select count(*) from marts.wres_indicator_summary where wres_year = 2018").fetchone()[0] > 0
        con.close()
