"""The `wres` command line as a data engineer uses it."""

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import copy_of, settings_in
from tests.handmade import write_handmade_landing_zone
from wres.dbt import DbtLog, explain_failure, run_dbt
from orchestration.cli import main


class Outcome:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = " ".join(result.output.split())  # rich wraps long lines: compare words


def invoke(settings, *args):
    return Outcome(CliRunner().invoke(main, ["--raw-dir", str(settings.raw_dir), "--warehouse",
                                             str(settings.warehouse), "--publish-dir", str(settings.publish_dir),
                                             *args]))


def test_generate_if_empty_leaves_an_existing_landing_zone_alone(tmp_path, monkeypatch):
    settings = settings_in(tmp_path)
    for name in ("WRES_RAW_DIR", "WRES_WAREHOUSE", "WRES_PUBLISH_DIR", "WRES_CONFIG"):
        monkeypatch.setenv(name, "")
    write_handmade_landing_zone(settings.raw_dir)
    result = invoke(settings, "generate", "--if-empty")
    assert result.exit_code == 0 and "already holds source files" in result.output
    result = invoke(settings, "generate")
    assert result.exit_code == 1 and "pass --overwrite" in result.output


def test_check_names_the_broken_file_and_writes_nothing(tmp_path, monkeypatch):
    settings = settings_in(tmp_path)
    for name in ("WRES_RAW_DIR", "WRES_WAREHOUSE", "WRES_PUBLISH_DIR", "WRES_CONFIG"):
        monkeypatch.setenv(name, "")
    write_handmade_landing_zone(settings.raw_dir)
    path = settings.raw_dir / "dcf" / "2017" / "training__S17-RBB-1.csv"
    path.write_text(path.read_text().replace("White,40", "White,-40"))
    result = invoke(settings, "check")
    assert result.exit_code == 1
    assert "ok reference" in result.output and "ok 2018" in result.output
    assert "training__S17-RBB-1.csv: column 'accessed_training': line 2: '-40' is negative" in result.output
    assert not settings.warehouse.exists()


def test_refresh_then_query_and_status(refreshed, tmp_path, monkeypatch):
    # The session's `wres refresh` (conftest's `refreshed`) loaded and published both years; on a copy:
    settings = copy_of(refreshed, tmp_path)
    for name in ("WRES_RAW_DIR", "WRES_WAREHOUSE", "WRES_PUBLISH_DIR", "WRES_CONFIG"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    result = invoke(settings, "refresh", "--year", "2018")
    assert result.exit_code == 0, result.output
    assert "WRES 2018 up to date" in result.output
    result = invoke(settings, "query", "select count(distinct wres_year) as years from marts.wres_indicator_summary")
    assert result.exit_code == 0 and "years" in result.output
    result = invoke(settings, "status")
    assert result.exit_code == 0 and "2018" in result.output
    result = invoke(settings, "refresh", "--year", "2031")
    assert result.exit_code == 1 and "no files for WRES year(s) [2031]" in result.output


def test_dbt_unit_tests_pass(refreshed, tmp_path):
    """The seven unit tests of models/*/_unit_tests.yml pass (run here, on a copy of the refreshed
    warehouse; the refresh's build leaves them out), and the refresh did not run them."""
    (log,) = (refreshed / "warehouse" / "logs").glob("dbt-*.log")
    assert " START unit_test " not in log.read_text(encoding="utf-8")
    result = run_dbt(["test", "--select", "test_type:unit"], copy_of(refreshed, tmp_path, parts=("warehouse",)),
                     capture=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # dbt's colours
    started = re.findall(r" START unit_test (\S+::\S+) ", text)
    passed = re.findall(r" PASS (\S+::\S+) .*\[PASS in ", text)
    assert result.returncode == 0 and len(started) == 7 and sorted(passed) == sorted(started), text[-4000:]


def test_a_failed_step_prints_its_error_and_with_verbose_its_stack_trace(tmp_path, monkeypatch):
    settings = settings_in(tmp_path)
    for name in ("WRES_RAW_DIR", "WRES_WAREHOUSE", "WRES_PUBLISH_DIR", "WRES_CONFIG"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    write_handmade_landing_zone(settings.raw_dir)
    types = settings.raw_dir / "reference" / "trust_types.csv"
    types.write_text(types.read_text().replace("RCC,Community", "RCC,Hospice"))
    error = "reference/trust_types.csv: column 'trust_type': line 4: 'Hospice' is not an allowed value"
    plain = invoke(settings, "refresh")
    assert plain.exit_code == 1
    assert "load reference files failed" in plain.output and error in plain.output
    assert "--verbose prints the stack trace" in plain.output and "orchestration/ingest/assets.py" not in plain.output
    verbose = invoke(settings, "refresh", "--verbose")
    assert verbose.exit_code == 1 and error in verbose.output
    # The trace runs from the asset to the contract check that raised.
    assert "orchestration/ingest/assets.py" in verbose.output and "in raw_reference" in verbose.output


def test_a_dbt_build_out_of_memory_says_which_setting_to_raise(tmp_path):
    settings = settings_in(tmp_path)
    with DbtLog(tmp_path / "dbt.log") as log:
        log.write("79 of 87 ERROR creating sql table model marts.wres_survey_breakdown .... [ERROR in 1.18s]\n"
                  "  Runtime Error in model wres_survey_breakdown (models/marts/wres_survey_breakdown.sql)\n"
                  "  Out of Memory Error: could not allocate block of size 256.0 KiB (285.9 MiB/286.1 MiB used)\n"
                  "  * Increasing the memory limit (SET memory_limit='...GB')\n")
    message = explain_failure(log.errors(), settings).splitlines()
    assert message == [
        "79 of 87 ERROR creating sql table model marts.wres_survey_breakdown .... [ERROR in 1.18s]",
        "Out of Memory Error: could not allocate block of size 256.0 KiB (285.9 MiB/286.1 MiB used)",
        f'DuckDB needed more memory than [duckdb] memory_limit = "{settings.duckdb_memory_limit}" allows: '
        f"raise it in {settings.config_file}"]
    assert explain_failure("1 of 2 ERROR creating sql view model staging.x", settings) == \
        "1 of 2 ERROR creating sql view model staging.x"


def test_wres_dbt_version_names_the_installed_dbt_core_first():
    """dagster-dbt runs `<dbt executable> --version` before each dbt command and takes its first x.y.z
    as dbt-core's version; `wres-dbt` answers without starting dbt."""
    from importlib.metadata import version

    result = subprocess.run([str(Path(sys.executable).parent / "wres-dbt"), "--version"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0
    assert re.search(r"(\d+\.\d+\.\d+)", result.stdout)[1] == version("dbt-core")
    assert f"duckdb: {version('dbt-duckdb')}" in result.stdout
