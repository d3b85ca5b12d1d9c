"""The fault catalogue: bad input, kills and concurrent use, as a data engineer meets them.

The hand-made landing zone is refreshed once for the session (`refreshed` in conftest, both years
published); each case works on a copy. A bad-input case breaks one 2018 file and asserts: the message
names the file, column and line; the refresh fails and only 2018 is blocked (2017's release and 2018's
previous release are untouched); the landing files are never modified; the warehouse is still queryable.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from tests.conftest import copy_of
from orchestration.cli import main
from wres.runlock import snapshot_path
from wres.status import year_statuses

WRES = str(Path(sys.executable).parent / "wres")


def cli(settings, *args) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--raw-dir", str(settings.raw_dir), "--warehouse", str(settings.warehouse),
                                       "--publish-dir", str(settings.publish_dir), *args])
    return result.exit_code, " ".join(result.output.split())  # rich wraps long lines: compare words


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def zone(refreshed, tmp_path, monkeypatch):
    """A copy of the refreshed hand-made zone (2017 and 2018 published), with its own Dagster home."""
    settings = copy_of(refreshed, tmp_path / "zone")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "zone" / "dagster"))
    return settings


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


RECRUITMENT = "dcf/2018/recruitment__S18-RBB-1.csv"  # line 2: RBB,S18-RBB-1,...,White,100,30


def _count(value: str):
    return lambda raw: replace_in(raw / RECRUITMENT, "White,100,30", f"White,{value},30")


def _copy_survey(raw: Path) -> None:
    survey = next((raw / "staff_survey" / "2017").iterdir())
    shutil.copy(survey, survey.with_name("copy_" + survey.name))


def _header_only(raw: Path) -> None:
    path = raw / "dcf" / "2018" / "training__S18-RCC-1.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def _wrong_year(raw: Path) -> None:
    shutil.copy(raw / "dcf" / "2017" / "training__S17-RBB-1.csv", raw / "dcf" / "2018" / "training__S17-RBB-1.csv")


def _windows_1252(raw: Path) -> None:
    path = raw / "dcf" / "2018" / "board__S18-RCC-1.csv"
    path.write_bytes(path.read_bytes() + "RCC,S18-RCC-1,2018-07-03T10:00:00,Non-executive,Y,Blanc\xe9,1\n"
                     .encode("cp1252"))


def _markup(raw: Path) -> None:
    replace_in(raw / RECRUITMENT, "White,100,30", "White[/],100,30")


def _missing_column(raw: Path) -> None:
    path = raw / RECRUITMENT
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines) + "\n", encoding="utf-8")


# (case, how to break the landing zone, words the message must hold)
BAD_INPUT = [
    ("fraction", _count("12.5"), [f"{RECRUITMENT}: column 'shortlisted': line 2: '12.5' is not a whole number"]),
    ("exponent", _count("1e0"), [f"{RECRUITMENT}: column 'shortlisted': line 2: '1e0' is not a whole number"]),
    ("hexadecimal", _count("0x21"), [f"{RECRUITMENT}: column 'shortlisted': line 2: '0x21' is not a whole number"]),
    ("thousands separator", _count('"1,000"'),
     [f"{RECRUITMENT}: column 'shortlisted': line 2: '1,000' is not a whole number"]),
    ("implausibly large", _count("1000000000000"),
     [f"{RECRUITMENT}: column 'shortlisted': line 2: '1000000000000' is larger than the plausible maximum of 1,000,000"]),
    ("negative", _count("-100"), [f"{RECRUITMENT}: column 'shortlisted': line 2: '-100' is negative"]),
    ("header only", _header_only, ["dcf/2018/training__S18-RCC-1.csv: has a header but no data rows"]),
    ("survey copied under a second name", _copy_survey,
     ["staff_survey/2017/", "copy_", "keys appear more than once", "across the files of the year"]),
    ("return of 2017 filed under 2018", _wrong_year,
     ["dcf/2018/training__S17-RBB-1.csv: column 'submitted_at': lines 2, 3, 4: '2017-07-01T10:00:00' is before the WRES 2018 "
      "census date"]),
    ("Windows-1252 byte", _windows_1252,
     ["dcf/2018/board__S18-RCC-1.csv: column 'ethnicity_group': line", "byte 0xE9 at byte offset", "is not UTF-8"]),
    ("markup in a cell", _markup, [f"{RECRUITMENT}: column 'ethnicity_group': line 2: 'White[/]' is not an allowed value"]),
    ("missing column", _missing_column, [f"{RECRUITMENT}: missing column(s) appointed"]),
]


@pytest.mark.parametrize("case, breaks, expected", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_blocks_only_its_year_and_says_where(zone, case, breaks, expected):
    breaks(zone.raw_dir)
    raw_before = digests(zone.raw_dir)
    releases_before = {year: digests(zone.publish_dir / year) for year in ("2017", "2018")}

    code, output = cli(zone, "refresh")

    assert code == 1, output
    assert "FAILED ingest WRES 2018" in output
    for words in expected:
        assert words in output, f"{case}: {words!r} not in {output}"
    assert "Traceback" not in output
    assert digests(zone.raw_dir) == raw_before  # the landing zone is only read
    for year, files in releases_before.items():  # 2017 untouched, 2018's previous release kept
        assert digests(zone.publish_dir / year) == files
    code, output = cli(zone, "query", "select count(*) as releases from raw.load_manifest where wres_year = 2017")
    assert code == 0 and "releases" in output
    code, _ = cli(zone, "status")
    failures = {s.wres_year: s.last_failure for s in year_statuses(zone)}
    assert code == 0 and "ingest WRES 2018" in failures[2018] and failures[2017] is None


def test_stray_entries_are_listed_and_trusts_without_a_type_named(zone):
    (zone.raw_dir / "dcf" / "2018_old").mkdir()
    (zone.raw_dir / "notes.txt").write_text("draft", encoding="utf-8")
    replace_in(zone.raw_dir / "reference" / "trust_types.csv", "RCC,Community\n", "")
    code, output = cli(zone, "check", "--year", "2018")
    assert code == 0, output
    assert "dcf/2018_old: expected a year folder dcf/<YYYY>/; it is not read" in output
    assert "notes.txt: not part of the landing zone layout" in output
    assert ("WRES 2018: 1 trust(s) in the year's files have no trust type in reference/trust_types.csv and are "
            "grouped as 'Unclassified': RCC (GAMMA COMMUNITY NHS TRUST)") in output


def test_a_failing_dbt_data_test_blocks_only_the_year_its_rows_belong_to(zone):
    """RCC opened on 1 April 2017, but files a WRES 2017 return (all four sections, which pass every
    file contract: RCC is an English NHS trust of the ODS reference). Its rows belong to no trust
    open at 31 March 2017, so the dbt tests *_trust_open_at_census find them; 2017 is not
    published, naming the test, the model and the rows; 2018 (republished: the year before
    changed) publishes."""
    dcf = zone.raw_dir / "dcf" / "2017"
    rows = {"recruitment": "White,50,10", "disciplinary": "White,1", "training": "White,12", "board": "Executive,Y,White,4"}
    headers = {s: (dcf / f"{s}__S17-RBB-1.csv").read_text(encoding="utf-8").splitlines()[0] for s in rows}
    for section, row in rows.items():
        (dcf / f"{section}__S17-RCC-1.csv").write_text(
            f"{headers[section]}\nRCC,S17-RCC-1,2017-07-04T10:00:00,{row}\n", encoding="utf-8")
    raw_before = digests(zone.raw_dir)
    release_2017 = digests(zone.publish_dir / "2017")

    code, output = cli(zone, "refresh")

    assert code == 1, output
    assert "FAILED publish WRES 2017" in output and "published [2018]" in output
    assert "dbt test stg_dcf__recruitment_trust_open_at_census on stg_dcf__recruitment found 1 failing row(s) " \
           "in WRES 2017" in output
    assert ("source_file=dcf/2017/recruitment__S17-RCC-1.csv, org_code=RCC, submission_id=S17-RCC-1, "
            "submitted_at=2017-07-04 10:00:00, ethnicity_group=White, shortlisted=50, appointed=10") in output
    for section in ("board", "disciplinary", "training"):
        assert f"dbt test stg_dcf__{section}_trust_open_at_census on stg_dcf__{section} found 1 failing row(s)" in output
    assert "Traceback" not in output
    assert digests(zone.raw_dir) == raw_before
    assert digests(zone.publish_dir / "2017") == release_2017
    checks = json.loads((zone.publish_dir / "gate_reports" / "2017" / "checks.json").read_text(encoding="utf-8"))
    failed = sorted(c["expectation"] for c in checks["checks"] if not c["success"] and c["severity"] == "error")
    assert failed == [f"stg_dcf__{s}_trust_open_at_census" for s in ("board", "disciplinary", "recruitment", "training")]
    manifest = json.loads((zone.publish_dir / "2018" / "manifest.json").read_text(encoding="utf-8"))
    dbt_check = next(c for c in manifest["checks"] if c["suite"] == "dbt_tests")
    assert dbt_check["success"] and dbt_check["observed"] == "no failing rows"


def test_nothing_changed_does_nothing(zone):
    releases = digests(zone.publish_dir)
    code, output = cli(zone, "refresh")
    assert code == 0 and "WRES 2017-2018 up to date" in output
    assert digests(zone.publish_dir) == releases


def test_a_second_writer_is_told_who_holds_the_warehouse(zone):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom wres.runlock import writer_lock\n"
                               f"with writer_lock({str(zone.warehouse)!r}):\n    print('held', flush=True)\n"
                               "    sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, output = cli(zone, "refresh", "--force")
    finally:
        holder.communicate("")
    assert code == 1
    assert f"is being written by PID {holder.pid}" in output and "--wait" in output


def test_an_interrupted_publication_is_recovered(zone):
    # A publication killed between its two renames: 2017's release moved aside, never replaced,
    # and a half-written 2018 release beside it.
    (zone.publish_dir / "2017").rename(zone.publish_dir / ".previous-2017-0badc0de")
    (zone.publish_dir / ".incoming-2018-0badc0de").mkdir()
    code, output = cli(zone, "refresh")
    assert code == 0, output
    assert "restored the WRES 2017 release an interrupted publication had moved aside" in output
    assert "removed .incoming-2018-0badc0de" in output
    assert (zone.publish_dir / "2017" / "manifest.json").exists()
    assert not list(zone.publish_dir.glob(".*"))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _is_dbt(pid: int) -> bool:
    """A `dbt build` process (run by its Python console script, so dbt is argv[0] or argv[1])."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return False
    return any(Path(a).name == "dbt" for a in args[:2]) and "build" in args


def _holds(pid: int, path: Path) -> bool:
    """Whether process `pid` has `path` open."""
    try:
        return any(os.readlink(fd) == os.path.realpath(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def test_killed_during_dbt_then_a_clean_recovery_while_an_analyst_reads(zone):
    """SIGKILL the refresh while dbt runs: dbt dies with it; the next refresh recovers and succeeds
    while an analyst holds the readers' snapshot open."""
    env = {**os.environ, "DAGSTER_HOME": os.environ["DAGSTER_HOME"]}
    args = [WRES, "--raw-dir", str(zone.raw_dir), "--warehouse", str(zone.warehouse), "--publish-dir",
            str(zone.publish_dir), "refresh", "--workers", "2", "--force"]  # a publication worker, as at national size
    refresh = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dbt = []
    deadline = time.monotonic() + 240
    while not dbt and time.monotonic() < deadline and refresh.poll() is None:
        dbt = [p for p in _children(refresh.pid) if _is_dbt(p)]
        time.sleep(0.2)
    assert dbt, "dbt never started"
    while not _holds(dbt[0], zone.warehouse) and time.monotonic() < deadline and refresh.poll() is None:
        time.sleep(0.05)
    assert _holds(dbt[0], zone.warehouse), "dbt never opened the warehouse"
    children = _children(refresh.pid)  # dbt, and the publication worker warming up meanwhile
    assert len(children) >= 2
    os.kill(refresh.pid, signal.SIGKILL)
    refresh.wait()
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{p}").exists() and _is_dbt(p) for p in dbt), "dbt outlived the refresh"
    assert [p for p in children if _alive(p)] == [], "a child outlived the refresh"

    # RBB revises its 2018 board return meanwhile; an analyst has the snapshot open throughout.
    replace_in(zone.raw_dir / "dcf" / "2018" / "board__S18-RBB-1.csv", "Executive,Y,White,6", "Executive,Y,White,7")
    analyst = duckdb.connect(str(snapshot_path(zone.warehouse)), read_only=True)
    try:
        completed = subprocess.run(args[:-1], env=env, capture_output=True, text=True, timeout=600)
        output = " ".join((completed.stdout + completed.stderr).split())
        assert completed.returncode == 0, output
        assert "marked Dagster run" in output and "failed: its process" in output
        assert "WRES 2018: republishing (its files changed)" in output and "published [2018]" in output
        assert analyst.execute("select count(*) from marts.wres_indicator_summary").fetchone()[0] > 0
    finally:
        analyst.close()


def _alive(pid: int) -> bool:
    """Running or stopped, not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _process_group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def test_killed_during_publication_keeps_the_previous_release_then_a_clean_recovery(zone):
    """SIGKILL the whole process group of a refresh while it publishes WRES 2018: the previous release
    stays byte for byte, nothing of the group survives, the gate report does not say "published", and
    the next refresh removes the half-written release and publishes the year.

    The publication is held still, not raced: the gate report's checks.json is a named pipe whose
    buffer (one page) is smaller than the file, and nothing reads it. The refresh writes the gate's
    data_quality.html, opens checks.json and blocks in the write, after staging the release and before
    the report build and the swap. The first byte readable from the pipe is the signal to kill.
    """
    release_before = {year: digests(zone.publish_dir / year) for year in ("2017", "2018")}
    reports = zone.publish_dir / "gate_reports" / "2018"
    assert "PASSED: published" in (reports / "data_quality.html").read_text(encoding="utf-8")
    checks = reports / "checks.json"
    assert checks.stat().st_size > 2 * 4096  # the attempt's own checks.json is as long: it cannot fit the pipe
    checks.unlink()
    os.mkfifo(checks)
    pipe = os.open(checks, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer's open does not wait
    try:
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 4096)
        replace_in(zone.raw_dir / "dcf" / "2018" / "board__S18-RBB-1.csv", "Executive,Y,White,6", "Executive,Y,White,7")
        args = [WRES, "--raw-dir", str(zone.raw_dir), "--warehouse", str(zone.warehouse), "--publish-dir",
                str(zone.publish_dir), "refresh"]
        refresh = subprocess.Popen(args, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   process_group=0)
        poller = select.poll()
        poller.register(pipe, select.POLLIN)
        deadline = time.monotonic() + 600
        while not poller.poll(500) and refresh.poll() is None and time.monotonic() < deadline:
            pass
        assert refresh.poll() is None, f"the refresh ended ({refresh.returncode}) before it wrote checks.json"
        assert poller.poll(0), "the refresh never reached the publication of WRES 2018"
        group = [refresh.pid, *_descendants(refresh.pid)]
        staged = list(zone.publish_dir.glob(".incoming-2018-*"))
        assert len(staged) == 1 and (staged[0] / "wres_indicator_summary.parquet").is_file()
        os.killpg(refresh.pid, signal.SIGKILL)
        assert refresh.wait() == -signal.SIGKILL
        written = b""
        while chunk := os.read(pipe, 65536):
            written += chunk
    finally:
        os.close(pipe)
    # The writer had 4096 bytes of checks.json out and was blocked writing the rest when it died.
    assert len(written) == 4096 and written.startswith(b"{")
    deadline = time.monotonic() + 30
    while (_process_group(refresh.pid) or any(_alive(p) for p in group)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _process_group(refresh.pid) == [] and [p for p in group if _alive(p)] == []

    for year, files in release_before.items():
        assert digests(zone.publish_dir / year) == files, f"WRES {year}'s release changed"
    assert list(zone.publish_dir.glob(".previous-*")) == []
    gate_report = (reports / "data_quality.html").read_text(encoding="utf-8")
    assert "being published" in gate_report and "PASSED: published" not in gate_report

    checks.unlink()  # the instrument goes; the refresh writes a plain checks.json again
    code, output = cli(zone, "refresh")
    assert code == 0, output
    assert f"removed {staged[0].name}, a release an interrupted publication had not finished" in output
    assert "marked Dagster run" in output and "failed: its process" in output
    # The year's files were loaded before the kill: it is republished because its last release failed.
    assert "WRES 2018: republishing (the code or configuration changed, or its last release failed)" in output
    assert "published [2018]" in output
    assert not list(zone.publish_dir.glob(".*"))
    assert "PASSED: published" in (reports / "data_quality.html").read_text(encoding="utf-8")
    assert json.loads(checks.read_text(encoding="utf-8"))["passed"] is True
    assert_republished_with_changes_and_history(zone, release_before)


def assert_republished_with_changes_and_history(zone, release_before: dict) -> None:
    """RBB revised its 2018 board return: 7 white executive members, not 6. Only 2018 is republished;
    CHANGES.csv lists RBB's board totals (12 -> 13 members, all voting; 6 -> 7 executives) and names the
    revised file; the replaced release, and only it, moves to history/2018/."""
    assert digests(zone.publish_dir / "2017") == release_before["2017"]
    changes = pd.read_csv(zone.publish_dir / "2018" / "CHANGES.csv", keep_default_na=False)
    rbb = changes[(changes["indicator"] == 9) & (changes["area_code"] == "RBB") & (changes["measure"] == "members_total")]
    # All of RBB's members vote: the voting total moves with the whole board.
    assert sorted(zip(rbb["breakdown"], rbb["old_value"], rbb["new_value"])) == [
        ("all", 12, 13), ("executive", 6, 7), ("voting", 12, 13)]
    assert set(changes["changed_input_files"]) == {"dcf/2018/board__S18-RBB-1.csv"}
    (history,) = (zone.publish_dir / "history" / "2018").iterdir()
    assert digests(history) == release_before["2018"]
    manifest = json.loads((zone.publish_dir / "2018" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["changes"]["changed_inputs"] == ["dcf/2018/board__S18-RBB-1.csv"]
    assert manifest["file_sha256"]["CHANGES.csv"] == hashlib.sha256(
        (zone.publish_dir / "2018" / "CHANGES.csv").read_bytes()).hexdigest()
