"""The fault catalogue, third round: special files, hostile text, unhelpful messages, a bounded
`wres query` and a warehouse held open by a reader.

Like tests/test_faults.py, each case works on a copy of the session's refreshed hand-made zone
(2017 and 2018 published) and asserts the message, the exit code, that only the year concerned
is blocked, and that nothing in the landing zone or the releases changed.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import wres.warehouse
from tests.test_faults import RECRUITMENT, WRES, cli, digests, replace_in, zone  # noqa: F401 (zone: a fixture)
from orchestration.cli import main
from wres.disclosure.releases import unrecorded_releases
from wres.runlock import explain_duckdb_lock, snapshot_path
from wres.status import year_statuses
from wres.text import printable

SECRET = "root:*:20228:0:99999:7:::"  # what a link to /etc/shadow would show


def _link_to_device(raw: Path) -> None:
    os.symlink("/dev/zero", raw / "dcf" / "2018" / "board__S18-RZZ-1.csv")


def _fifo(raw: Path) -> None:
    os.mkfifo(raw / "dcf" / "2018" / "training__S18-RZZ-1.csv")


def _link_outside(raw: Path) -> None:
    secret = raw.parent / "outside" / "shadow"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    os.symlink(secret, raw / "dcf" / "2018" / "recruitment__S18-RZZ-1.csv")


def _huge_cell_with_escape(raw: Path) -> None:
    replace_in(raw / RECRUITMENT, "White,100,30", "White" + "A" * 1_000_000 + "\x1b[31m,100,30")


def _newline_in_file_name(raw: Path) -> None:
    (raw / "dcf" / "2018" / "notes\nok 2022.csv").write_text("x\n", encoding="utf-8")


def _semicolons(raw: Path) -> None:
    path = raw / "dcf" / "2018" / "training__S18-RCC-1.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")


def _gzip_named_csv(raw: Path) -> None:
    path = raw / "dcf" / "2018" / "board__S18-RCC-1.csv"
    path.write_bytes(gzip.compress(path.read_bytes(), mtime=0))


def _long_submission_id(raw: Path) -> None:
    replace_in(raw / RECRUITMENT, "RBB,S18-RBB-1,2018-07-02T10:00:00,White", "RBB," + "S" * 100_000
               + ",2018-07-02T10:00:00,White")


ZONE_2018 = "dcf/2018/"
# (case, how to break the landing zone, words the message must hold, words it must not hold)
SPECIAL_AND_HOSTILE = [
    ("link to a device", _link_to_device,
     [f"{ZONE_2018}board__S18-RZZ-1.csv: a symbolic link to /dev/zero, outside the landing zone",
      "the landing zone holds regular files only"], []),
    ("named pipe", _fifo,
     [f"{ZONE_2018}training__S18-RZZ-1.csv: a named pipe (FIFO), not a regular file; "
      "the landing zone holds regular files only"], []),
    ("link to a file outside the zone", _link_outside,
     [f"{ZONE_2018}recruitment__S18-RZZ-1.csv: a symbolic link to", "outside/shadow, outside the landing zone"],
     [SECRET]),
    ("a 1 MB cell with a terminal escape", _huge_cell_with_escape,
     [f"{RECRUITMENT}: column 'ethnicity_group': line 2: 'White" + "A" * 75 + "… (999,930 more characters)' "
      "is not an allowed value"], ["A" * 81, "\x1b"]),
    ("newline in a file name", _newline_in_file_name,
     [f"{ZONE_2018}notes\\nok 2022.csv: unexpected file name"], []),
    ("semicolon-separated file", _semicolons,
     [f"{ZONE_2018}training__S18-RCC-1.csv: line 1 is one column 'org_code;submission_id;submitted_at;"
      "ethnicity_group;accessed_training': the fields seem separated by ';', not commas"], ["unexpected column"]),
    ("gzip file named .csv", _gzip_named_csv,
     [f"{ZONE_2018}board__S18-RCC-1.csv: is gzip-compressed, but its name does not end in .gz"], ["not UTF-8"]),
    ("100 KB text value", _long_submission_id,
     [f"{RECRUITMENT}: column 'submission_id': line 2: '" + "S" * 80 + "… (99,920 more characters)' is longer than "
      "200 characters, the contract's maximum for a text value"], ["S" * 81]),
]


@pytest.mark.parametrize("case, breaks, expected, absent", SPECIAL_AND_HOSTILE, ids=[c[0] for c in SPECIAL_AND_HOSTILE])
def test_special_files_and_hostile_text_block_only_their_year(zone, case, breaks, expected, absent):
    breaks(zone.raw_dir)
    raw_before = digests(zone.raw_dir)
    releases_before = digests(zone.publish_dir)

    code, output, raw_output = run(zone, "refresh")

    assert code == 1, output
    assert "FAILED ingest WRES 2018" in output
    for words in expected:
        assert words in output, f"{case}: {words!r} not in {output}"
    for words in absent:
        assert words not in raw_output, f"{case}: {words[:40]!r} shown"
    assert "Traceback" not in output and "\nok 2022" not in raw_output and "\x1b" not in raw_output
    assert len(raw_output) < 20_000
    assert digests(zone.raw_dir) == raw_before
    assert digests(zone.publish_dir) == releases_before  # 2017 untouched, 2018's previous release kept
    failures = {s.wres_year: s.last_failure for s in year_statuses(zone)}
    assert "ingest WRES 2018" in failures[2018] and failures[2017] is None


def run(settings, *args) -> tuple[int, str, str]:
    """Exit code, output with its whitespace flattened (rich wraps long lines), and output as printed."""
    result = CliRunner().invoke(main, ["--raw-dir", str(settings.raw_dir), "--warehouse", str(settings.warehouse),
                                       "--publish-dir", str(settings.publish_dir), *args])
    return result.exit_code, " ".join(result.output.split()), result.output


def test_a_link_inside_the_zone_to_a_regular_file_there_is_followed(zone):
    """RCC's 2018 board return, linked under a second submission id: read through the link, so the
    file's rows are checked (and name the submission of the file they came from)."""
    os.symlink("board__S18-RCC-1.csv", zone.raw_dir / "dcf" / "2018" / "board__S18-RCC-2.csv")
    code, output = cli(zone, "check", "--year", "2018")
    assert code == 1
    assert ("dcf/2018/board__S18-RCC-2.csv: column 'submission_id': submission_id 'S18-RCC-1' differs from "
            "the file name's 'S18-RCC-2'") in output
    assert "symbolic link" not in output


def test_a_folder_named_like_a_file_is_named_and_not_read(zone):
    (zone.raw_dir / "dcf" / "2018" / "extra.csv").mkdir()
    releases_before = digests(zone.publish_dir)
    code, output = cli(zone, "refresh")
    assert code == 0, output
    assert "dcf/2018/extra.csv: a folder named like a data file, not a file; it is not read" in output
    assert "Is a directory" not in output and "WRES 2017-2018 up to date" in output
    assert digests(zone.publish_dir) == releases_before


def test_an_empty_reference_file_is_one_error_not_one_per_file(zone):
    (zone.raw_dir / "reference" / "etr.csv").write_bytes(b"")
    code, output = cli(zone, "check")
    assert code == 1
    assert "reference/etr.csv: is empty; expected the rows of an ODS etr extract" in output
    assert output.count("contract problem(s)") == 3  # the reference files, 2017 and 2018
    assert output.count("org codes not checked: no NHS trust in England is loaded from the ODS reference") == 2
    assert "is not an NHS trust in England" not in output


# --- wres query ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", ["", ";", " ; ;", "-- nothing but a comment", "/* nor this */ ;"])
def test_query_without_a_statement_says_so(zone, sql):
    code, output = cli(zone, "query", "--", sql)
    assert code == 1
    assert "the query holds no SQL statement (it is empty, or only ';' or comments)" in output
    assert "Traceback" not in output and "AttributeError" not in output


def test_query_with_several_statements_is_refused(zone):
    code, output = cli(zone, "query", "select 1 as a; select 2 as b")
    assert code == 1
    assert "the query holds 2 statements; `wres query` runs one at a time" in output


def test_query_shows_control_characters_escaped(zone):
    _, _, output = run(zone, "query", "select chr(27) || '[2J' || 'x' || chr(10) || 'ok 2022' as \"a\x07b\"")
    assert "\\x1b[2Jx\\nok 2022" in output and "a\\x07b" in output
    assert "\x1b" not in output and "\x07" not in output and "\nok 2022" not in output


def test_query_runs_under_the_configured_memory_limit_which_it_cannot_raise(zone):
    assert zone.duckdb_memory_limit == "600MB"  # 600,000,000 bytes = 572.2 MiB, as DuckDB shows it
    code, output = cli(zone, "query", "select current_setting('memory_limit') as memory_limit")
    assert code == 0 and "572.2 MiB" in output
    code, output = cli(zone, "query", "set memory_limit = '100GB'")
    assert code == 1 and "configuration" in output.lower() and "Traceback" not in output


RUNAWAY = "select sum(a.range * b.range) as s from range(1000000) a, range(1000000) b"  # 10^12 rows


def test_query_stops_at_its_timeout(zone):
    code, output = cli(zone, "query", "--timeout", "0.5", RUNAWAY)
    assert code == 1
    assert "the query ran longer than 0.5 s and was stopped (--timeout sets the limit)" in output


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: its parent and the CPU seconds it has used."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        found[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    return found


def _children(pid: int) -> list[int]:
    return sorted(p for p, (parent, _) in _processes().items() if parent == pid)


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used by `pid` and its children (`wres query` computes in a child process)."""
    processes = _processes()
    return sum(cpu for p, (parent, cpu) in processes.items() if pid in (p, parent))


def test_ctrl_c_cancels_a_query(zone):
    """SIGINT once the runaway join is computing (the command's processes have used more CPU than starting
    takes): the query's process is ended, the command says so, exit code 130, and nothing is left running."""
    query = subprocess.Popen([WRES, "--warehouse", str(zone.warehouse), "query", "--timeout", "3600", RUNAWAY],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while query.poll() is None and _tree_cpu_seconds(query.pid) < 4:
            time.sleep(0.05)
        assert query.poll() is None, query.communicate()
        children = _children(query.pid)
        assert len(children) == 1, children
        query.send_signal(signal.SIGINT)
        out, err = query.communicate(timeout=30)
    finally:
        if query.poll() is None:
            query.kill()
    assert query.returncode == 130, err
    assert "the query was cancelled (Ctrl-C)" in err and "Traceback" not in err
    assert not Path(f"/proc/{children[0]}").exists()


def test_a_query_does_not_outlive_its_command(zone):
    """`wres query` killed outright (SIGKILL, no chance to clean up): its query's process dies with it."""
    query = subprocess.Popen([WRES, "--warehouse", str(zone.warehouse), "query", "--timeout", "3600", RUNAWAY],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while query.poll() is None and _tree_cpu_seconds(query.pid) < 2:
            time.sleep(0.05)
        [child] = _children(query.pid)
    finally:
        query.kill()
        query.communicate()
    give_up = time.monotonic() + 30
    while _running(child) and time.monotonic() < give_up:
        time.sleep(0.05)
    assert not _running(child)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be collected


# --- a reader holding the warehouse -------------------------------------------------------------

def test_duckdb_lock_message_with_extra_sentences_names_the_holder():
    """DuckDB's message as the issue quotes it, with the sentences newer versions add after the PID."""
    message = ('IO Error: Could not set lock on file "/w/wres.duckdb": Conflicting lock is held in '
               '/usr/bin/python3.11 (PID 22464). However, you would be able to open this database in read-only '
               'mode, e.g. by using the -readonly parameter in the CLI. See also '
               'https://duckdb.org/docs/stable/connect/concurrency')
    explained = explain_duckdb_lock(duckdb.IOException(message), Path("/w/wres.duckdb"))
    assert explained.startswith("the warehouse /w/wres.duckdb is open in another process (PID 22464: ")
    assert explained.endswith("; readers should open the snapshot /w/wres.snapshot.duckdb instead")
    assert "However" not in explained and "concurrency" not in explained


def _hold_open(warehouse: Path) -> subprocess.Popen:
    """A reader that opens the warehouse itself (read-only), as an analyst should not."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb\n"
                               f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
                               "print('open', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_reader_holding_the_warehouse_blocks_a_load_with_its_pid_not_a_traceback(zone):
    replace_in(zone.raw_dir / "dcf" / "2018" / "board__S18-RBB-1.csv", "Executive,Y,White,6", "Executive,Y,White,7")
    releases_before = digests(zone.publish_dir)
    holder = _hold_open(zone.warehouse)
    try:
        code, output = cli(zone, "refresh")
    finally:
        holder.communicate("")
    assert code == 1, output
    assert "FAILED ingest WRES 2018" in output
    assert (f"the warehouse {zone.warehouse} is open in another process (PID {holder.pid}: {sys.executable} -c "
            in output)
    assert f"readers should open the snapshot {snapshot_path(zone.warehouse)} instead" in output
    assert "Traceback" not in output and "IOException" not in output and "However" not in output
    assert digests(zone.publish_dir) == releases_before


def test_a_publication_is_a_success_when_only_the_snapshot_cannot_be_refreshed(zone, monkeypatch):
    """A reader opens the warehouse itself just as the dbt build ends, and keeps it open: the build's
    swap of the snapshot fails, so does the refresh's retry; 2018 is still published (exit code 0)
    and the snapshot is a warning. The next refresh, with nothing else to do, swaps it in."""
    replace_in(zone.raw_dir / "dcf" / "2018" / "board__S18-RBB-1.csv", "Executive,Y,White,6", "Executive,Y,White,7")
    real = wres.warehouse.refresh_snapshot
    holders = []

    def reader_arrives(settings):
        if not holders:
            holders.append(_hold_open(settings.warehouse))
        return real(settings)

    monkeypatch.setattr(wres.warehouse, "refresh_snapshot", reader_arrives)
    try:
        code, output, _ = run(zone, "refresh")
    finally:
        for holder in holders:
            holder.communicate("")
    monkeypatch.setattr(wres.warehouse, "refresh_snapshot", real)
    assert code == 0, output
    assert "published [2018]" in output
    assert (f"warning the readers' snapshot {snapshot_path(zone.warehouse)} could not be refreshed (the warehouse "
            f"{zone.warehouse} is open in another process (PID {holders[0].pid}:") in output
    assert "the next `wres refresh` tries again" in output and "Traceback" not in output
    # Nor could the release's cells be recorded: the next build records them first.
    assert "warning record the published cells" in output
    assert "the cells of WRES 2018 were not recorded in the warehouse now" in output
    members = ("select value from marts.wres_indicator_summary where wres_year = 2018 and indicator = 9 and "
               "area_code = 'RBB' and measure = 'members_total' and breakdown = 'executive'")
    assert _snapshot_value(zone, members) == 6  # the readers still see the warehouse before the refresh

    code, output, _ = run(zone, "refresh")
    assert code == 0, output
    assert "WRES 2017-2018 up to date" in output
    assert "the readers' snapshot was behind the warehouse: refreshed" in output
    assert _snapshot_value(zone, members) == 7
    con = duckdb.connect(str(zone.warehouse), read_only=True)
    try:
        assert unrecorded_releases(con, zone.publish_dir) == [2018]
    finally:
        con.close()
    code, output, _ = run(zone, "dbt", "--", "build", "--select", "regions")  # a build records them first
    assert code == 0, output
    con = duckdb.connect(str(zone.warehouse), read_only=True)
    try:
        assert unrecorded_releases(con, zone.publish_dir) == []
    finally:
        con.close()


def _snapshot_value(zone, sql: str):
    con = duckdb.connect(str(snapshot_path(zone.warehouse)), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_printable_escapes_and_bounds():
    assert printable("a\nb\tc\x1b[0m\x7f\u202e") == "a\\nb\\tc\\x1b[0m\\x7f\\u202e"
    assert printable("x" * 85, 80) == "x" * 80 + "… (5 more characters)"
    assert printable("é ü 中", 80) == "é ü 中"


# --- a source removed ---------------------------------------------------------------------------

def _marts(settings) -> dict[str, list[tuple]]:
    """Every mart table's rows, sorted: what a release is built from."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' "
                                            "order by 1").fetchall()]
        return {t: sorted(con.execute(f'select * from marts."{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def survey_2017_removed(refreshed, tmp_path_factory):
    """A copy of the refreshed zone whose 2017 survey (WRES 2018's) was deleted, then refreshed as usual
    (incrementally): its settings, and the refresh's exit code and flattened output."""
    from tests.conftest import copy_of

    folder = tmp_path_factory.mktemp("survey_2017_removed")
    settings = copy_of(refreshed, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(folder / "dagster"))
        assert _marts(settings)["wres_survey_breakdown"]  # the survey was there
        shutil.rmtree(settings.raw_dir / "staff_survey" / "2017")
        code, output, _ = run(settings, "refresh")
    return settings, code, output


def test_a_removed_survey_is_a_change_and_the_incremental_build_equals_the_full_one(survey_2017_removed, refreshed,
                                                                                     tmp_path, monkeypatch):
    """The 2017 survey (WRES 2018's) is deleted. The incremental refresh reloads 2018 only, warns that
    indicators 5-8 are not computed, and leaves no 2018 survey row in the marts; its marts equal, row for
    row, those of a full build (`--force`) of the same landing zone."""
    from tests.conftest import copy_of

    incremental, _, output = survey_2017_removed
    full = copy_of(refreshed, tmp_path / "full")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "full" / "dagster"))
    shutil.rmtree(full.raw_dir / "staff_survey" / "2017")
    _, full_output, _ = run(full, "refresh", "--force")
    assert "WRES 2018: files changed, loading" in output and "ok ingest WRES 2017" not in output
    builds = {}
    for how, settings, said in (("incremental", incremental, output), ("full", full, full_output)):
        assert "Traceback" not in said
        assert ("WRES 2018: no staff survey in staff_survey/2017/, so indicators 5-8 are not computed for this "
                "year") in said
        builds[how] = _marts(settings)
        con = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            assert con.execute("select count(*) from marts.wres_survey_breakdown where wres_year = 2018").fetchone() \
                == (0,)
            assert con.execute("select count(*) from marts.wres_indicator_summary where wres_year = 2018 "
                               "and indicator between 5 and 8").fetchone() == (0,)
        finally:
            con.close()
    assert builds["incremental"].keys() == builds["full"].keys()
    for table in builds["full"]:
        assert builds["incremental"][table] == builds["full"][table], table
    # The two releases of 2018 agree too, table for table (the manifest, the gate's report and the
    # changes since the release before hold provenance: load ids and times).
    tables = {how: {p.relative_to(settings.publish_dir / "2018"): p.read_bytes()
                    for p in (settings.publish_dir / "2018").rglob("*.*")
                    if p.suffix in (".parquet", ".csv", ".xlsx") and p.name != "CHANGES.csv"}
              for how, settings in (("incremental", incremental), ("full", full))}
    assert tables["incremental"] and tables["incremental"].keys() == tables["full"].keys()
    for name, content in tables["full"].items():
        assert tables["incremental"][name] == content, name


def test_a_release_without_its_survey_says_so_wherever_indicators_5_to_8_would_be(survey_2017_removed):
    """The methodology lets a year go without its staff survey: WRES 2018 is published without indicators
    5-8, and its manifest, gate report, methodology page, England, region and trust pages say why, first."""
    settings, code, output = survey_2017_removed
    assert code == 0, output
    why = ("The landing zone held no NHS Staff Survey 2017 (staff_survey/2017/), so this release has no "
           "staff-survey indicators (5-8) for WRES 2018.")
    release = settings.publish_dir / "2018"
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["absent_indicators"] == [{"indicators": [5, 6, 7, 8], "why": why}]
    assert why in (release / "data_quality.html").read_text(encoding="utf-8")
    report = release / "report"
    for page in ("index.html", "methodology.html", "survey.html", "distributions.html", "regions/Y56.html",
                 "trusts/RBB.html"):
        text = (report / page).read_text(encoding="utf-8")
        assert text.index("<main>") < text.index(why) < text.index("<h1"), page  # first thing on the page
    assert why not in (report / "model-employer.html").read_text(encoding="utf-8")  # no survey indicator there
    pack = (report / "trusts" / "RBB.html").read_text(encoding="utf-8")
    assert "the 2018 figure is not in this release: no staff survey." in pack
    # The hand-made zone never had WRES 2017's survey (2016's): its release says so the same way.
    assert json.loads((settings.publish_dir / "2017" / "manifest.json").read_text(encoding="utf-8"))[
        "absent_indicators"][0]["why"].startswith("The landing zone held no NHS Staff Survey 2016 (staff_survey/2016/)")


def test_workforce_statistics_missing_where_indicator_1_comes_from_them_block_the_year(zone):
    """Before WRES 2018 the returns carry no workforce section: indicator 1 of 2017 comes from the workforce
    statistics only, so a 2017 without them is blocked by name, and its release is kept. WRES 2018, due
    only because its indicator 3 uses 2017's files, waits for them: the warehouse still holds 2017's last
    load, so nothing is rebuilt and 2018's release stays as it was."""
    shutil.rmtree(zone.raw_dir / "workforce_statistics" / "2017")
    release_before = {year: digests(zone.publish_dir / year) for year in ("2017", "2018")}
    code, output = cli(zone, "refresh")
    assert code == 1, output
    assert "FAILED ingest WRES 2017" in output and "Traceback" not in output
    assert ("workforce_statistics/2017: no workforce statistics (*.csv); indicator 1 of WRES 2017 comes from them "
            "(the returns' workforce section starts in WRES 2018)") in output
    assert "FAILED ingest WRES 2018" not in output  # 2018 has its own workforce section
    assert ("WRES 2018: not republished: its indicator 3 uses the files of 2017, which failed to load; it is "
            "republished once they load") in output
    assert "build dbt models" not in output and "publish WRES 2018" not in output
    assert "published nothing" in output
    for year, files in release_before.items():
        assert digests(zone.publish_dir / year) == files, year
