"""Ingest: idempotent loads, and broken files that fail their year with an actionable error."""

import csv
import gzip
import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import settings_in
from tests.handmade import write_csv, write_handmade_landing_zone
from wres.ingest import load as load_module
from wres.ingest.load import ingest_reference, ingest_year
from wres.ingest.read import ContractError

SURVEY_HEADER = ["respondent_id", "org_code", "ethnicity", "gender", "occupation_group",
                 "q22a", "q22b", "q22c", "q21", "q17b"]  # the 2015-2017 questionnaire


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """The hand-made landing zone and its raw load (reference, 2017, 2018), made once for the module."""
    folder = tmp_path_factory.mktemp("loaded")
    settings = settings_in(folder)
    write_handmade_landing_zone(settings.raw_dir)
    con = duckdb.connect(str(folder / "wres.duckdb"))
    ingest_reference(con, settings.raw_dir)
    for year in (2017, 2018):
        ingest_year(con, settings.raw_dir, year, settings)
    con.close()
    return folder


@pytest.fixture
def zone(loaded, tmp_path):
    """A loaded copy of the hand-made landing zone: (settings, connection)."""
    shutil.copytree(loaded / "raw", tmp_path / "raw")
    shutil.copyfile(loaded / "wres.duckdb", tmp_path / "wres.duckdb")
    settings = settings_in(tmp_path)
    con = duckdb.connect(str(tmp_path / "wres.duckdb"))
    yield settings, con
    con.close()


def raw_counts(con, year):
    return {t: con.execute(f"select count(*) from raw.{t} where wres_year = ?", [year]).fetchone()[0]
            for t in ("workforce_statistics", "dcf_workforce", "dcf_recruitment", "dcf_board")}


def tree_digest(folder: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def rewrite(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    write_csv(path, rows[0], [])  # header only, then the changed rows
    header, body = change(rows[0], rows[1:])
    write_csv(path, header, body)


def test_reloading_a_year_replaces_only_that_year(zone):
    settings, con = zone
    before = {y: raw_counts(con, y) for y in (2017, 2018)}
    again = ingest_year(con, settings.raw_dir, 2018, settings, run_id="second")
    assert {y: raw_counts(con, y) for y in (2017, 2018)} == before
    assert again.rows["dcf_recruitment"] == 12  # 4 submissions x 3 ethnicity groups, all kept
    loads = con.execute("select count(distinct load_id) from raw.load_manifest where wres_year = 2018").fetchone()[0]
    assert loads == 2  # the manifest keeps every load for audit
    manifest = con.execute("select path, sha256, rows from raw.load_manifest where run_id = 'second' "
                           "and path like '%recruitment__S18-RAA-2.csv'").fetchone()
    path = settings.raw_dir / manifest[0]
    assert manifest[1] == hashlib.sha256(path.read_bytes()).hexdigest() and manifest[2] == 3


BREAKAGES = {
    "missing column": (
        "dcf/2018/recruitment__S18-RAA-2.csv",
        lambda h, rows: (h[:-1], [r[:-1] for r in rows]),
        r"recruitment__S18-RAA-2\.csv: missing column\(s\) appointed; expected .*shortlisted, appointed"),
    "extra column": (
        "dcf/2018/training__S18-RBB-1.csv",
        lambda h, rows: (h + ["comment"], [r + ["x"] for r in rows]),
        r"training__S18-RBB-1\.csv: unexpected column\(s\) comment"),
    "text in a count": (
        "workforce_statistics/2018/workforce.csv",
        lambda h, rows: (h, [r if i != 3 else r[:-1] + ["twelve"] for i, r in enumerate(rows)]),
        r"workforce\.csv: column 'headcount': line 5: 'twelve' is not a whole number"),
    "negative count": (
        "dcf/2018/board__S18-RBB-1.csv",
        lambda h, rows: (h, [r if i != 1 else r[:-1] + ["-1"] for i, r in enumerate(rows)]),
        r"board__S18-RBB-1\.csv: column 'members': line 3: '-1' is negative; expected a count >= 0"),
    "appointed above shortlisted": (
        "dcf/2018/recruitment__S18-RBB-1.csv",
        lambda h, rows: (h, [r if i != 0 else r[:-2] + ["10", "11"] for i, r in enumerate(rows)]),
        r"recruitment__S18-RBB-1\.csv: column 'appointed': line 2: breaks the rule: expected appointed <= shortlisted"),
    "duplicate key in one submission": (
        "dcf/2018/disciplinary__S18-RAA-1.csv",
        lambda h, rows: (h, rows + [rows[0]]),
        r"disciplinary__S18-RAA-1\.csv: duplicate key \(org_code=RAA, ethnicity_group=White\) appears 2 times"),
    "value outside the code list": (
        "dcf/2018/board__S18-RAA-1.csv",
        lambda h, rows: (h, [r if i != 0 else [*r[:3], "Chair", *r[4:]] for i, r in enumerate(rows)]),
        r"board__S18-RAA-1\.csv: column 'board_role': line 2: 'Chair' is not an allowed value; "
        r"expected one of Executive, Non-executive"),
    "pay band of another staff group": (
        "dcf/2018/workforce__S18-RBB-1.csv",
        lambda h, rows: (h, [r if i != 0 else [*r[:4], "Consultant", *r[5:]] for i, r in enumerate(rows)]),
        r"workforce__S18-RBB-1\.csv: column 'staff_group': line 2: breaks the rule: expected a pay band of "
        r"the row's staff group"),
    "wrong census date": (
        "workforce_statistics/2018/workforce.csv",
        lambda h, rows: (h, [r if i != 0 else ["2018-04-01", *r[1:]] for i, r in enumerate(rows)]),
        r"column 'census_date': line 2: '2018-04-01' is not the census date of WRES year 2018"),
    "submission id differs from the file name": (
        "dcf/2018/training__S18-RAA-1.csv",
        lambda h, rows: (h, [[r[0], "S18-XXX-9", *r[2:]] for r in rows]),
        r"training__S18-RAA-1\.csv: column 'submission_id': submission_id 'S18-XXX-9' differs"),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_a_broken_file_fails_its_year_and_keeps_the_previous_rows(zone, name):
    settings, con = zone
    relative, change, expected = BREAKAGES[name]
    rewrite(settings.raw_dir / relative, change)
    year = int(re.search(r"/(\d{4})/", "/" + relative).group(1))
    before = raw_counts(con, year)
    files_before = tree_digest(settings.raw_dir)
    with pytest.raises(ContractError) as failure:
        ingest_year(con, settings.raw_dir, year, settings)
    assert re.search(expected, str(failure.value)), str(failure.value)
    assert str(settings.raw_dir) in str(failure.value)  # the file is named by its full path
    assert raw_counts(con, year) == before  # no partial year
    assert tree_digest(settings.raw_dir) == files_before  # raw files are never changed
    other = 2017 if year == 2018 else 2018
    ingest_year(con, settings.raw_dir, other, settings)  # other years still load


def test_empty_file(zone):
    settings, con = zone
    (settings.raw_dir / "dcf" / "2018" / "training__S18-RAA-1.csv").write_bytes(b"")
    with pytest.raises(ContractError, match=r"training__S18-RAA-1\.csv: is empty; expected a header row"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_wrong_encoding(zone):
    settings, con = zone
    path = settings.raw_dir / "dcf" / "2018" / "board__S18-RCC-1.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(ContractError, match=r"board__S18-RCC-1\.csv: line 1 is not UTF-8 text"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_latin1_value_after_a_good_header(zone):
    settings, con = zone
    path = settings.raw_dir / "dcf" / "2018" / "board__S18-RCC-1.csv"
    good = path.read_bytes()
    path.write_bytes(good + "RCC,S18-RCC-1,2018-07-03T10:00:00,Non-executive,Y,Blanc\xe9,1\n".encode("latin-1"))
    # The header and three rows come first (line 5 is the new one); é sits after the 56
    # characters "RCC,...,Y,Blanc" of that line, in the sixth field, ethnicity_group.
    lines_before = good.count(b"\n")
    offset = len(good) + len("RCC,S18-RCC-1,2018-07-03T10:00:00,Non-executive,Y,Blanc")
    with pytest.raises(ContractError, match=rf"board__S18-RCC-1\.csv: column 'ethnicity_group': line {lines_before + 1}: "
                                            rf"byte 0xE9 at byte offset {offset} is not UTF-8"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_missing_section(zone):
    settings, con = zone
    for path in (settings.raw_dir / "dcf" / "2018").glob("training__*.csv"):
        path.unlink()
    with pytest.raises(ContractError, match=r"no 'training' section files"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_unexpected_file_name(zone):
    settings, con = zone
    write_csv(settings.raw_dir / "dcf" / "2018" / "notes.csv", ["a"], [["b"]])
    with pytest.raises(ContractError, match=r"notes\.csv: unexpected file name; expected <section>__<submission_id>"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def write_survey(folder: Path, name: str, rows, header=SURVEY_HEADER, gz=False) -> Path:
    """Replace the survey files of the folder with one file."""
    for old in folder.glob("*"):
        old.unlink()
    path = folder / name
    if gz:
        plain = write_csv(folder / "plain.tmp", header, rows)
        path.write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()
        return path
    return write_csv(path, header, rows)


GOOD_RESPONDENT = ["R1", "RAA", "Arab", "Female", "Other", "Never", "1-2", "", "Yes", "No"]


def test_survey_loads_one_row_per_respondent(zone):
    settings, con = zone
    write_survey(settings.raw_dir / "staff_survey" / "2017", "survey.csv.gz",
                 [GOOD_RESPONDENT, ["R2", "RBB", "", "", "", "", "", "", "", ""]], gz=True)
    result = ingest_year(con, settings.raw_dir, 2018, settings)
    assert result.rows == {**result.rows, "staff_survey_respondents": 2}
    assert "staff_survey_answers" not in result.rows  # no table of one row per answer
    rows = con.execute("select respondent_id, q22a, q22b, nullif(q22c, ''), q21, q17b "
                       "from raw.staff_survey_respondents where wres_year = 2018 order by respondent_id").fetchall()
    assert rows == [("R1", "Never", "1-2", None, "Yes", "No"), ("R2", None, None, None, None, None)]


def test_survey_questionnaires_share_one_table_by_column_name(zone):
    """Each year's question columns: the 2021 questionnaire's columns are null for 2017's respondents."""
    settings, con = zone
    write_survey(settings.raw_dir / "staff_survey" / "2017", "survey.csv", [GOOD_RESPONDENT])
    ingest_year(con, settings.raw_dir, 2018, settings)
    header_2021 = ["respondent_id", "org_code", "ethnicity", "gender", "occupation_group",
                   "q14a", "q14b", "q14c", "q15", "q16b", "q99z"]  # q99z: a question no indicator uses
    write_survey(settings.raw_dir / "staff_survey" / "2021", "survey.csv",
                 [["S1", "RAA", "Arab", "Female", "Other", "3-5", "", "Never", "Don't know", "Yes", "free"]],
                 header=header_2021)
    ingest_year(con, settings.raw_dir, 2022, settings)
    columns = {r[0] for r in con.execute("describe raw.staff_survey_respondents").fetchall()}
    assert {"q22a", "q21", "q14a", "q15", "q99z", "q13a"} <= columns  # q13a: named by the map, never loaded
    rows = con.execute("select wres_year, respondent_id, q22a, q14a, q15, q99z from raw.staff_survey_respondents "
                       "where respondent_id in ('S1', 'R1') order by wres_year, respondent_id").fetchall()
    assert rows == [(2018, "R1", "Never", None, None, None), (2022, "S1", None, "3-5", "Don't know", "free")]


def test_a_warehouse_with_answers_in_rows_is_widened_once(tmp_path):
    """An earlier version kept one row per answer in raw.staff_survey_answers: the next load puts
    the answers back in their respondents' columns and drops that table."""
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("create schema raw")
    con.execute("create table raw.staff_survey_respondents (respondent_id varchar, org_code varchar, "
                "ethnicity varchar, gender varchar, occupation_group varchar, survey_year integer, "
                "wres_year integer, source_file varchar, load_id varchar)")
    con.execute("insert into raw.staff_survey_respondents values "
                "('R1', 'RAA', 'Arab', null, null, 2017, 2018, 'f.csv', 'l1'), "
                "('R1', 'RAA', 'Arab', null, null, 2020, 2021, 'g.csv', 'l2'), "
                "('R2', 'RBB', null, null, null, 2020, 2021, 'g.csv', 'l2')")
    con.execute("create table raw.staff_survey_answers (respondent_id varchar, question varchar, answer varchar, "
                "survey_year integer, wres_year integer, source_file varchar, load_id varchar)")
    con.execute("insert into raw.staff_survey_answers values ('R1', 'q21', 'Yes', 2017, 2018, 'f.csv', 'l1'), "
                "('R1', 'q14', 'No', 2020, 2021, 'g.csv', 'l2'), ('R1', 'q13a', 'Never', 2020, 2021, 'g.csv', 'l2')")
    load_module.ensure_raw_schema(con)
    rows = con.execute("select survey_year, respondent_id, q21, q14, q13a, q14a from raw.staff_survey_respondents "
                       "order by survey_year, respondent_id").fetchall()
    assert rows == [(2017, "R1", "Yes", None, None, None), (2020, "R1", None, "No", "Never", None),
                    (2020, "R2", None, None, None, None)]
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'staff_survey_answers'"
                       ).fetchone()[0] == 0
    load_module.ensure_raw_schema(con)  # nothing left to widen: a second call changes nothing
    assert con.execute("select count(*) from raw.staff_survey_respondents").fetchone()[0] == 3


def test_truncated_gzip(zone):
    settings, con = zone
    path = write_survey(settings.raw_dir / "staff_survey" / "2017", "survey.csv.gz", [GOOD_RESPONDENT] * 1, gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 12])
    with pytest.raises(ContractError, match=r"survey\.csv\.gz: cannot be read"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_survey_answer_outside_the_scale(zone):
    settings, con = zone
    write_survey(settings.raw_dir / "staff_survey" / "2017", "survey.csv",
                 [GOOD_RESPONDENT, ["R2", "RAA", "Arab", "Female", "Other", "Sometimes", "", "", "", ""]])
    with pytest.raises(ContractError, match=r"column 'q22a': line 3: 'Sometimes' is not an answer of indicator 5"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_survey_missing_a_mapped_question(zone):
    settings, con = zone
    write_survey(settings.raw_dir / "staff_survey" / "2017", "survey.csv", [GOOD_RESPONDENT[:-1]],
                 header=SURVEY_HEADER[:-1])
    with pytest.raises(ContractError, match=r"missing question column\(s\) q17b"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_survey_year_without_a_question_map_entry(zone, monkeypatch):
    settings, con = zone
    write_survey(settings.raw_dir / "staff_survey" / "2017", "survey.csv", [GOOD_RESPONDENT])
    monkeypatch.setattr(load_module.vocab, "survey_questions", lambda year: None)
    with pytest.raises(ContractError, match=r"survey year 2017 has no entry in the question map"):
        ingest_year(con, settings.raw_dir, 2018, settings)


def test_several_problems_are_reported_together(zone):
    settings, con = zone
    rewrite(settings.raw_dir / "dcf/2018/training__S18-RBB-1.csv", BREAKAGES["extra column"][1])
    rewrite(settings.raw_dir / "dcf/2018/board__S18-RBB-1.csv", BREAKAGES["negative count"][1])
    with pytest.raises(ContractError) as failure:
        ingest_year(con, settings.raw_dir, 2018, settings)
    assert "2 contract problem(s)" in str(failure.value)
