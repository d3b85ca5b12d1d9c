"""The release's statistics workbook (wres_<year>.xlsx, read back with openpyxl), its data package and
the labels every reader sees instead of column names."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest


def workbook(released):
    from openpyxl import load_workbook

    return load_workbook(released[2].folder / "wres_2018.xlsx")


def rows_of(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def area_row(sheet, code: str) -> dict:
    """The row of one area in an indicator sheet, by its column heading."""
    rows = rows_of(sheet)
    header = next(i for i, r in enumerate(rows) if r[:3] == ["Area type", "Area code", "Area name"])
    found = [r for r in rows[header + 1:] if r[1] == code]
    assert len(found) == 1, f"{code}: {found}"
    return dict(zip(rows[header], found[0]))


def test_the_labels_seed_describes_every_expected_measure():
    from wres import vocabulary

    expected = {(int(r["indicator"]), r["measure"]) for r in vocabulary.read_seed("expected_measures")}
    assert set(vocabulary.measures()) == expected
    harassment = vocabulary.measure(5, "pct_bme")
    assert harassment.extremes == ("best (lowest)", "median", "worst (highest)")
    assert vocabulary.measure(2, "relative_likelihood").extremes[0] == "best (nearest parity)"
    assert vocabulary.measure(1, "headcount_total").extremes == ("lowest", "median", "highest")
    assert vocabulary.measure(1, "pct_bme").heading == "BME staff, % of staff"
    with pytest.raises(KeyError, match="measure_labels.csv: no row for indicator 1, measure 'nonsense'"):
        vocabulary.measure(1, "nonsense")


def test_the_workbook_has_a_cover_contents_notes_and_a_sheet_per_indicator(released):
    book = workbook(released)
    assert book.sheetnames == ["Cover", "Contents", "Notes"] + [f"Indicator_{i}" for i in range(1, 10)]
    cover = [c for r in rows_of(book["Cover"]) for c in r if c]
    assert cover[0] == "Workforce Race Equality Standard (WRES) 2018: statistics tables"
    text = " ".join(cover)
    # The survey of WRES 2018 is 2017's (survey_lag 1); the contact from wres.toml.
    assert "NHS Staff Survey of 2017" in text and "31 March 2018" in text
    assert released[0].contact and released[0].contact in text
    assert "[c]" in text and "[z]" in text
    contents = " ".join(str(c) for r in rows_of(book["Contents"]) for c in r if c)
    assert "Indicator_9" in contents
    notes = " ".join(str(c) for r in rows_of(book["Notes"]) for c in r if c)
    assert "a count from 1 to 7" in notes and "fewer than 11 respondents" in notes and "0.80" in notes


def test_an_indicator_sheet_shows_numbers_hidden_cells_and_headings_in_words(released):
    book = workbook(released)
    appointment = book["Indicator_2"]
    england = area_row(appointment, "ENG")
    # England 2018: white 80 of 350 appointed, BME 20 of 180.
    heading = "Relative likelihood, white vs BME applicants appointed from shortlisting, times as likely (1 = parity)"
    assert england[heading] == pytest.approx((80 / 350) / (20 / 180))
    assert england["White applicants appointed from shortlisting, % of shortlisted"] == pytest.approx(100 * 80 / 350)
    assert england["Area type"] == "England" and england["Area name"] == "England"
    # RBB appointed 5 BME applicants (a count of 1-7): hidden; RCC's indicators 1-4 are withheld.
    assert area_row(appointment, "RBB")[heading] == "[c]"
    assert area_row(appointment, "RCC")[heading] == "[c]"
    workforce = book["Indicator_1"]
    assert area_row(workforce, "RBB")["BME staff, % of staff"] == "[c]"  # 6 BME staff
    assert area_row(workforce, "ENG")["BME staff, staff"] == 104 + 6 + 0
    harassment = book["Indicator_5"]
    # RBB: 5 of its 15 white respondents reported harassment from the public; 4 BME respondents (n<11).
    rbb = area_row(harassment, "RBB")
    white = "White staff experiencing harassment, bullying or abuse from patients, relatives or the public, " \
            "% of respondents"
    assert rbb[white] == pytest.approx(100 * 5 / 15) and rbb[white.replace("White", "BME")] == "[c]"
    # No heading is a column name.
    for name in book.sheetnames[3:]:
        header = next(r for r in rows_of(book[name]) if r[:1] == ["Area type"])
        assert not any("_" in str(h) for h in header), header


def test_the_workbook_is_hashed_listed_and_the_same_bytes_again(released, tmp_path):
    from wres.publish.workbook import write_workbook

    settings, _, release, _ = released
    path = release.folder / "wres_2018.xlsx"
    manifest = json.loads((release.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["file_sha256"]["wres_2018.xlsx"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["file_sha256"]["datapackage.json"]
    assert "## wres_2018.xlsx" in (release.folder / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    again = tmp_path / "again.xlsx"
    write_workbook(again, release.folder / "wres_indicator_summary.parquet", 2018, settings)
    assert again.read_bytes() == path.read_bytes()


def test_the_data_dictionary_labels_each_measure(released):
    text = (released[2].folder / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert ("| 5 | `pct_bme` | BME staff experiencing harassment, bullying or abuse from patients, relatives or "
            "the public | % of respondents | lower |") in text
    assert "| 1 | `headcount_total` | All staff | staff |  |" in text


def test_the_csv_files_validate_against_the_data_package(released):
    from frictionless import Package

    folder = released[2].folder
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    summary = next(r for r in package["resources"] if r["path"] == "wres_indicator_summary.csv")
    fields = {f["name"]: f for f in summary["schema"]["fields"]}
    assert fields["value"]["type"] == "number" and fields["suppressed"]["type"] == "boolean"
    assert fields["value"]["description"].startswith("The computed value")
    with open(folder / "wres_indicator_summary.csv", newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(fields)
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_a_sheet_marks_hidden_and_undefined_cells_and_keeps_text_as_text(tmp_path):
    """On a hand-made summary: a suppressed value is [c], a null one that is not suppressed [z], a measure an
    area lacks [z]; a name that looks like a formula stays text."""
    import pandas as pd
    from openpyxl import load_workbook

    from wres.config import load_settings
    from wres.publish.workbook import write_workbook

    def row(level, code, name, measure, value, suppressed=False):
        return {"wres_year": 2024, "indicator": 2, "level": level, "area_code": code, "area_name": name,
                "breakdown": "all", "measure": measure, "value": value, "suppressed": suppressed,
                "suppression_reason": "count 1-7" if suppressed else None, "flags": None, "source": None}

    summary = pd.DataFrame([row("england", "ENG", "England", "relative_likelihood", 1.5),
                            row("england", "ENG", "England", "rate_white", 30.0),
                            row("trust", "RZZ", "=HYPERLINK(\"http://x\")", "relative_likelihood", None, True),
                            row("trust", "RZZ", "=HYPERLINK(\"http://x\")", "rate_white", 12.5),
                            row("trust", "RYY", "Zeta", "relative_likelihood", None)])
    summary.to_parquet(tmp_path / "summary.parquet")
    write_workbook(tmp_path / "w.xlsx", tmp_path / "summary.parquet", 2024, load_settings())
    sheet = load_workbook(tmp_path / "w.xlsx")["Indicator_2"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r[0] == "Area type"))
    assert rows[header][3:] == ["White applicants appointed from shortlisting, % of shortlisted",
                                "Relative likelihood, white vs BME applicants appointed from shortlisting, "
                                "times as likely (1 = parity)"]
    # England first, then the trusts by name ("=" sorts before "Z").
    assert rows[header + 1] == ["England", "ENG", "England", 30.0, 1.5]
    assert rows[header + 2] == ["Trust", "RZZ", "=HYPERLINK(\"http://x\")", 12.5, "[c]"]
    assert rows[header + 3] == ["Trust", "RYY", "Zeta", "[z]", "[z]"]
    cell = next(c for r in sheet.iter_rows() for c in r if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"  # a string, not a formula
