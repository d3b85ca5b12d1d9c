"""The publication gate: disclosure control proven on published output, and blocked years."""

import hashlib
import json
import re
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.refresh import run_refresh
from tests.conftest import copy_of
from tests.handmade import write_csv
from wres.dbt import run_dbt
from wres.disclosure.audit import audit
from wres.ingest.load import ingest_reference, ingest_year
from wres.ingest.read import ContractError
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
    # White, BME and total counts; an unknown count discloses no one's ethnicity and may be small.
    counts = frame[frame["measure"].isin(["headcount_white", "headcount_bme", "headcount_total"])
                   & (frame["level"] != "england")]
    assert not counts["value"].between(1, 7).any()
    assert row(frame, "RBB", 1, "headcount_unknown")["value"] == 4  # 70 white, 6 BME, 4 unknown
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
    # England is never suppressed, and RAA alone has clinical Band 8a staff (2 BME): England's
    # figures give that cell away, with its region, ICB and trust type. A warning, not a block.
    # (RAA's Band 6 unknown 2 and RCC's Band 3 unknown 5, England's alone too, are not sensitive:
    # a not-stated count discloses no one's ethnicity.)
    (england,) = [c for c in checks if c.column == "is_derivable_from_england"]
    cells = {r.split(" <- ")[0] for r in england.failing_rows}
    raa = {f"1:{area}:Clinical non-medical|Band 8a:headcount_bme"
           for area in ("trust:RAA", "region:Y56", "icb:QMJ", "trust_type:Acute")}
    assert england.failing_count == 4
    assert cells == raa
    # No move can protect them either (England's 2 bounds them): reported by the certificate check too.
    (unprotectable,) = [c for c in checks if c.column == "is_unprotectable"]
    assert raa <= {r.split(" <- ")[0].split(" | ")[0] for r in unprotectable.failing_rows}
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
    small = results["no count in the configuration's small-count range below England (board counts exempt by "
                    "configuration)"]
    rule = results["methodology minimum: no count of 1-7 below England, whatever the configuration's thresholds "
                   "(board counts exempt by configuration)"]
    # The id names the cell, how the audit derives it and why its protection fails: its certificate
    # moves it, and it is published.
    for check in (small, rule):
        assert not check.success and check.failing_rows == [
            "1:trust:RBB:all:headcount_bme <- the value is published | certificate invalid: moves "
            "1:trust:RBB:all:headcount_bme, which is published"]
    assert not results["no value where suppressed"].success
    derivable = next(c for g, c in results.items() if g.startswith("no sensitive cell"))
    assert not derivable.success
    assert any(r.startswith("1:trust:RBB:all:headcount_bme <- the value is published") for r in derivable.failing_rows)


def test_release_manifest_and_report(released):
    _, _, release, gate = released
    manifest = json.loads((release.folder / "manifest.json").read_text())
    assert manifest["gate"]["passed"] is True
    # The configuration against the methodology's minimums, 1; every expectation of the gate's suites:
    # return_completeness 3, data_quality_warnings 4, published_tables 11, published_survey_breakdown 5,
    # published_model_employer 2, published_columns 1, landing_zone_consistency 1; and the dbt data tests the
    # refresh recorded for the year, 1.
    assert len(manifest["checks"]) == len(gate.checks) == 29
    assert "protection_notice" not in manifest and manifest["checks"][0]["suite"] == "configuration"
    # What disclosure control cost: every hidden cell counted once, by reason, tier and level.
    loss = manifest["information_loss"]
    hidden = {}
    for h in loss["hidden"]:
        hidden[h["reason"]] = hidden.get(h["reason"], 0) + h["cells"]
    assert hidden == {r: n for r, n in manifest["suppression"].items() if r != "published"}
    assert loss["tier1"]["all"]["published"] == sum(t["published"] for t in loss["tier1"]["by_level"].values())
    assert {c["severity"] for c in manifest["checks"]} == {"error", "warning"}
    assert manifest["suppression"]["declaration<80%"] > 0 and manifest["suppression"]["secondary"] > 0
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    report = (release.folder / "data_quality.html").read_text()
    assert "PASSED: published" in report and "every return holds every section" in report and "RCC" in report


@pytest.fixture
def zone(handmade, tmp_path):
    """A copy of the built hand-made warehouse and its landing zone; nothing published."""
    return copy_of(handmade.settings.raw_dir.parent, tmp_path, parts=("raw", "warehouse"))


def reload_2018(zone) -> None:
    """Load WRES 2018 again, as a refresh does. The checks below read `raw`, so no dbt build is needed."""
    con = duckdb.connect(str(zone.warehouse))
    try:
        ingest_year(con, zone.raw_dir, 2018, zone)
    finally:
        con.close()


def test_unknown_organisation_code_is_refused_at_ingest(zone):
    """An organisation code outside the ODS reference's English trusts (ZZZ; W01 is Welsh) is a file
    contract error naming file, column and line: the year is not loaded."""
    write_csv(zone.raw_dir / "dcf" / "2018" / "training__S18-ZZZ-1.csv",
              ["org_code", "submission_id", "submitted_at", "ethnicity_group", "accessed_training"],
              [("ZZZ", "S18-ZZZ-1", "2018-07-05T10:00:00", "White", 3)])
    write_csv(zone.raw_dir / "dcf" / "2018" / "board__S18-W01-1.csv",
              ["org_code", "submission_id", "submitted_at", "board_role", "voting", "ethnicity_group", "members"],
              [("W01", "S18-W01-1", "2018-07-05T10:00:00", "Executive", "Y", "White", 3)])
    zone.warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(zone.warehouse))
    try:
        ingest_reference(con, zone.raw_dir)
        loads = "select count(distinct load_id) from raw.load_manifest where wres_year = 2018"
        assert con.execute(loads).fetchone()[0] == 1  # the copied warehouse's load
        with pytest.raises(ContractError) as failure:
            ingest_year(con, zone.raw_dir, 2018, zone)
        assert con.execute(loads).fetchone()[0] == 1  # the refused files left no load behind
    finally:
        con.close()
    message = str(failure.value)
    assert (f"{zone.raw_dir}/dcf/2018/training__S18-ZZZ-1.csv: column 'org_code': line 2: 'ZZZ' is not an NHS trust "
            f"in England in the ODS reference") in message
    assert f"{zone.raw_dir}/dcf/2018/board__S18-W01-1.csv: column 'org_code': line 2: 'W01' is not an NHS trust" in message


def test_files_changed_since_the_load_block_the_year(zone):
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
    reload_2018(zone)
    built = run_dbt(["build", "--select", "+wres_return_completeness"], zone, capture=True)  # the mart the suite reads
    assert built.returncode == 0, built.stdout[-3000:]
    con = duckdb.connect(str(zone.warehouse), read_only=True)
    with pytest.raises(GateFailed, match="at least 95% of the trusts open at 31 March made a return"):
        publish_year(con, 2018, zone)


def test_a_failed_gate_keeps_the_previous_release(refreshed, tmp_path):
    zone = copy_of(refreshed, tmp_path, parts=("raw", "warehouse", "published"))  # 2017 and 2018 published
    with dg.DagsterInstance.ephemeral() as instance:
        before = (zone.publish_dir / "2018" / "manifest.json").read_text()
        before_2017 = (zone.publish_dir / "2017" / "manifest.json").read_text()
        write_csv(zone.raw_dir / "dcf" / "2018" / "board__S18-ZZZ-1.csv",
                  ["org_code", "submission_id", "submitted_at", "board_role", "voting", "ethnicity_group", "members"],
                  [("ZZZ", "S18-ZZZ-1", "2018-07-05T10:00:00", "Executive", "Y", "White", 3)])
        again = run_refresh(zone, [2017, 2018], instance)
        assert again.published == []  # 2017's files did not change: its release stands
        failure = next(f for f in again.failures if f.name == "ingest WRES 2018")
        assert "board__S18-ZZZ-1.csv: column 'org_code': line 2: 'ZZZ' is not an NHS trust" in failure.error
        assert (zone.publish_dir / "2018" / "manifest.json").read_text() == before
        assert (zone.publish_dir / "2017" / "manifest.json").read_text() == before_2017
        # The warehouse still answers queries.
        con = duckdb.connect(str(zone.warehouse), read_only=True)
        assert con.execute("select count(*) from marts.wres_indicator_summary where wres_year = 2018").fetchone()[0] > 0
        con.close()


# --- the survey breakdown and the Model Employer ---------------------------------------------------


def breakdown(release) -> pd.DataFrame:
    return pd.read_parquet(release.folder / "wres_survey_breakdown.parquet")


def breakdown_cell(frame, indicator, area, kind, **keys):
    found = frame[(frame["indicator"] == indicator) & (frame["area_code"] == area) & (frame["breakdown_type"] == kind)]
    for column, value in keys.items():
        found = found[found[column] == value]
    assert len(found) == 1, found
    return found.iloc[0]


def test_the_survey_breakdown_is_published_without_respondent_counts(released):
    _, con, release, gate = released
    frame = breakdown(release)
    csv = pd.read_csv(release.folder / "wres_survey_breakdown.csv")
    assert len(frame) == len(csv) > 0
    assert not any("respondent" in c for c in frame.columns) and not any("respondent" in c for c in csv.columns)
    assert list(frame.columns) == ["wres_year", "survey_year", "indicator", "level", "area_code", "area_name",
                                   "breakdown_type", "ethnicity", "ethnicity_group", "gender", "occupation_group",
                                   "pct", "suppressed", "suppression_reason"]
    assert frame.loc[frame["suppressed"], "pct"].isna().all() and csv.loc[csv["suppressed"], "pct"].isna().all()
    # Indicator 5, England by gender: women 3 white (RAA) + 4 BME (RAA) + 3 unknown (RAA) + 2 BME (RBB)
    # of 8 + 7 + 3 + 4 = 22 respondents: 54.5% (one decimal); men 5 (RBB white) of 3 + 4 + 15 = 22: 22.7%.
    assert breakdown_cell(frame, 5, "ENG", "gender", gender="Female")["pct"] == round(100 * 12 / 22, 1) == 54.5
    assert breakdown_cell(frame, 5, "ENG", "gender", gender="Male")["pct"] == 22.7
    # England's "Other" occupation is RAA's 3 unknown respondents: n<11 applies at England too.
    other = breakdown_cell(frame, 5, "ENG", "occupation", occupation_group="Other")
    assert pd.isna(other["pct"]) and other["suppressed"] and other["suppression_reason"] == "n<11"
    # South West's men answering indicator 7 are RBB's 15 white respondents, no more, no fewer: their
    # figure is RBB's white one, which the summary hides (secondary), so the breakdown hides it too.
    assert row(published(release), "RBB", 7, "pct_white")["suppression_reason"] == "secondary"
    men = breakdown_cell(frame, 7, "Y58", "gender", gender="Male")
    assert pd.isna(men["pct"]) and men["suppression_reason"] == "secondary"
    # Allied health professionals are RBB's 15 white and 4 BME respondents (BME n<11): hidden everywhere.
    assert breakdown_cell(frame, 5, "ENG", "occupation",
                          occupation_group="Allied Health Professionals")["suppression_reason"] == "secondary"
    # Every published figure comes from at least 11 respondents, and is rounded to one decimal.
    truth = con.execute("select indicator, area_code, breakdown_type, ethnicity, ethnicity_group, gender, "
                        "occupation_group, respondents from marts.wres_survey_breakdown where wres_year = 2018").df()
    key = ["indicator", "area_code", "breakdown_type", "ethnicity", "ethnicity_group", "gender", "occupation_group"]
    merged = frame.merge(truth, how="left", on=key)
    assert len(merged) == len(frame)
    assert (merged.loc[merged["pct"].notna(), "respondents"] >= 11).all()
    assert ((frame["pct"].dropna() * 10).round() == frame["pct"].dropna() * 10).all()
    checks = [c for c in gate.checks if c.suite in ("published_survey_breakdown", "published_model_employer",
                                                    "published_columns")]
    # published_survey_breakdown 5 (its methodology minimum among them), published_model_employer 2,
    # published_columns 1.
    assert len(checks) == 8 and all(c.success for c in checks)


def test_the_model_employer_is_published_for_england_only(released):
    _, _, release, _ = released
    frame = pd.read_parquet(release.folder / "model_employer_trajectory.parquet")
    assert set(frame["level"]) == {"england"} and set(frame["area_code"]) == {"ENG"}
    assert len(pd.read_csv(release.folder / "model_employer_trajectory.csv")) == len(frame) == 3
    # England's band 8a is RAA's clinical band 8a: 10 white, 2 BME. The target is the BME share of
    # England's whole workforce, 110 BME of 210 white + 110 BME (RCC and RBB included).
    band = frame.set_index("target_year")
    assert band.loc[2023, "pct_bme_band"] == pytest.approx(100 * 2 / 12)
    assert band.loc[2023, "target_pct_bme"] == pytest.approx(100 * 110 / 320)
    b0, p = 2 / 12, 110 / 320
    for year in (2023, 2028, 2033):
        kept = 0.9 ** (year - 2018)
        s = (p - b0 * kept) / (1 - kept)
        assert band.loc[year, "required_bme_share_of_recruits"] == pytest.approx(s)
        assert band.loc[year, "one_in_k"] == round(1 / s)
    assert list(band["one_in_k"]) == [2, 2, 3]  # s = 0.599, 0.439, 0.390


def test_the_new_tables_get_csv_formula_neutralisation(released):
    from wres.publish.contents import csv_safe_query, publication_query

    _, con, _, _ = released
    for table in ("wres_survey_breakdown", "model_employer_trajectory"):
        query = csv_safe_query(con, publication_query(table, 2018))
        assert '"area_name"' in query and "chr(39) ||" in query
    con.execute("create temp table tricky as select '=HYPERLINK(1)' as area_name, 'Band 8a' as pay_band")
    rows = con.execute(csv_safe_query(con, "select * from tricky")).fetchall()
    assert rows == [("'=HYPERLINK(1)", "Band 8a")]


def _copy_release(release, tmp_path) -> Path:
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in release.folder.glob("*.parquet"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_the_gate_blocks_a_small_survey_breakdown_cell_or_a_respondent_count(released, tmp_path):
    settings, con, release, _ = released
    folder = _copy_release(release, tmp_path)
    frame = breakdown(release)
    # England's "Other" occupation (3 respondents) published by mistake.
    other = (frame["indicator"] == 5) & (frame["area_code"] == "ENG") & (frame["occupation_group"] == "Other") \
        & (frame["breakdown_type"] == "occupation")
    leaked = frame.copy()
    leaked.loc[other, ["pct", "suppressed", "suppression_reason"]] = [100.0, False, None]
    leaked.to_parquet(folder / "wres_survey_breakdown.parquet")
    results = {c.guards: c for c in publication_checks(con, 2018, folder, None, settings)}
    for guard in ("survey breakdown: no percentage from fewer respondents than the configuration's minimum, England "
                  "included", "methodology minimum: survey breakdown: no percentage from fewer than 11 respondents, "
                  "England included, whatever the configuration's threshold"):
        small = results[guard]
        assert not small.success and small.failing_rows == ["5:england:ENG:occupation::::Other"]
    assert not results["survey breakdown: no percentage the warehouse hides (n<11, or a sum of whole trust groups "
                       "one of which the indicator summary hides)"].success
    # The respondent counts published as a column: blocked, whatever the values.
    with_counts = frame.assign(respondents=100)
    with_counts.to_parquet(folder / "wres_survey_breakdown.parquet")
    results = {c.suite: c for c in publication_checks(con, 2018, folder, None, settings)}
    assert not results["published_columns"].success
    assert results["published_columns"].failing_rows == ["wres_survey_breakdown.respondents"]
    # A full-precision percentage gives its respondent count away: blocked.
    precise = frame.copy()
    precise.loc[precise["pct"].notna(), "pct"] = precise.loc[precise["pct"].notna(), "pct"] + 1 / 3
    precise.to_parquet(folder / "wres_survey_breakdown.parquet")
    rounded = next(c for c in publication_checks(con, 2018, folder, None, settings)
                   if c.guards.startswith("survey breakdown: percentages rounded"))
    assert not rounded.success


def test_the_gate_blocks_model_employer_rows_below_england(released, tmp_path):
    settings, con, release, _ = released
    folder = _copy_release(release, tmp_path)
    trust = con.execute("select * from marts.model_employer_trajectory where wres_year = 2018 and level = 'trust' "
                        "order by all").df()
    england = pd.read_parquet(release.folder / "model_employer_trajectory.parquet")
    assert len(trust) > 0
    pd.concat([england, trust[england.columns]], ignore_index=True).to_parquet(
        folder / "model_employer_trajectory.parquet")
    results = [c for c in publication_checks(con, 2018, folder, None, settings) if c.suite == "published_model_employer"]
    assert results and not any(c.success for c in results)
    assert "trust:RAA:Band 8a:2023" in results[0].failing_rows
    # A release without the file is blocked too.
    (folder / "model_employer_trajectory.parquet").unlink()
    missing = [c for c in publication_checks(con, 2018, folder, None, settings) if c.suite == "published_model_employer"]
    assert [c.observed for c in missing] == ["file missing"] and missing[0].blocking_failure


def test_a_release_describes_itself(released):
    settings, con, release, gate = released
    dictionary = (release.folder / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert "| `level` | VARCHAR | trust, icb, region, trust_type or england. |" in dictionary
    assert ("| 2 | `relative_likelihood` | Relative likelihood, white vs BME applicants appointed from shortlisting | "
            "times as likely (1 = parity) | nearer 1 (parity) | all |") in dictionary
    assert "| `n<11` |" in dictionary and "| `secondary` |" in dictionary
    described = json.loads(duckdb.connect().execute(
        "select decode(value) from parquet_kv_metadata(?) where decode(key) = 'wres_column_descriptions'",
        [str(release.folder / "wres_indicator_summary.parquet")]).fetchone()[0])
    assert described["wres_year"] == "WRES year (31 March census year)."
    manifest = json.loads((release.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["configuration"]["content"] == settings.config_file.read_text(encoding="utf-8")
    assert manifest["package_versions"]["duckdb"] == duckdb.__version__
    assert manifest["file_sha256"]["DATA_DICTIONARY.md"] == hashlib.sha256(dictionary.encode("utf-8")).hexdigest()
    assert all(not i["path"].startswith("/") and "raw_dir" not in i for i in manifest["inputs"])


def test_a_trust_without_a_type_is_a_data_quality_warning():
    from wres.quality.gate import shared_validator

    frame = pd.DataFrame({"trust": ["2018:RAA", "2018:RCC"], "declaration_rate": [0.95, 0.92],
                          "relative_difference": [0.01, 0.02], "trust_type": ["Acute", "Unclassified"]})
    results = shared_validator().validate("data_quality_warnings", frame, "trust",
                                          {"declaration_warning": 0.9, "declaration_withhold": 0.8,
                                           "source_mismatch": 0.1})
    untyped = next(r for r in results if r.column == "trust_type")
    assert not untyped.success and untyped.severity == "warning" and untyped.failing_rows == ["2018:RCC"]
    assert all(r.success for r in results if r.column != "trust_type")


def test_a_year_published_beside_another_is_the_same_bytes_as_one_published_alone(refreshed, released):
    """The shared refresh published 2017 and 2018 side by side (2018 in a publication worker, 2017 in the
    refreshing process); `released` published 2018 again from the same warehouse, alone, in this process.
    Every file is the same, byte for byte, but for the moment of publication: the manifest's published_at, the
    data-quality page's "Generated" minute and, in the manifest, that page's hash."""
    _, _, release, _ = released
    beside, alone = refreshed / "published" / "2018", release.folder

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    beside_files, alone_files = files(beside), files(alone)
    assert sorted(beside_files) == sorted(alone_files)
    assert {"report/index.html", "wres_indicator_summary.parquet", "data_quality.html"} <= set(beside_files)
    assert any(name.endswith(".pdf") for name in beside_files)  # the newest year prints its board packs
    differ = sorted(name for name in beside_files if beside_files[name] != alone_files[name])
    assert "manifest.json" in differ and set(differ) <= {"data_quality.html", "manifest.json"}  # the same minute or not
    manifests = [json.loads(files_[name]) for files_, name in ((beside_files, "manifest.json"),
                                                                (alone_files, "manifest.json"))]
    for manifest in manifests:  # what the two moments change: when, and the hash of the page that says when
        del manifest["published_at"], manifest["file_sha256"]["data_quality.html"]
    assert manifests[0] == manifests[1]
    pages = [re.sub(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Generated (time)",
                    f["data_quality.html"].decode("utf-8"), count=1) for f in (beside_files, alone_files)]
    assert pages[0] == pages[1]
