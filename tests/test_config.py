"""The configuration file validated on load: each bad file gets one line per problem naming the file, the
key, the value and what is allowed, with no traceback; thresholds weaker than the methodology's are refused
unless allowed explicitly, and a release built with them says so first."""

import dataclasses
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import main
from wres.config import PROJECT_ROOT, ConfigError, load_settings

GOOD = (PROJECT_ROOT / "wres.toml").read_text(encoding="utf-8")


def written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "wres.toml"
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str) -> str:
    assert GOOD.count(old) == 1, old
    return GOOD.replace(old, new)


def without_section(name: str) -> str:
    start = GOOD.index(f"[{name}]")
    end = GOOD.index("\n[", start)
    return GOOD[:start] + GOOD[end + 1:]


# (what is wrong, the file's text, the one line expected after the file's path)
CASES = [
    ("misspelled key", changed("survey_min_respondents =", "survey_min_respondent ="),
     ": [thresholds] survey_min_respondent: unknown key; did you mean survey_min_respondents? allowed: "
     "survey_min_respondents, small_count_min, small_count_max, board_counts_exempt, declaration_warning, "
     "declaration_withhold, return_rate_min, four_fifths_lower, four_fifths_upper, source_mismatch, "
     "confidence_z, max_count"),
    ("missing section", without_section("thresholds"), ": [thresholds] missing: the section is required"),
    ("bad TOML", changed('umask = "027"', 'umask = "027'),
     ": not valid TOML: Illegal character '\\n' (at line 15, column 13)"),
    ("umask", changed('umask = "027"', 'umask = "999"'),
     ': [security] umask = "999": not of the allowed form; allowed: three octal digits in quotes, e.g. "027"'),
    ("memory limit", changed('memory_limit = "600MB"', 'memory_limit = "lots"'),
     ': [duckdb] memory_limit = "lots": not of the allowed form; allowed: a size in quotes, e.g. "600MB" or "2GB"'),
    ("negative count", changed("small_count_max = 7", "small_count_max = -7"),
     ": [thresholds] small_count_max = -7: should be greater than or equal to 0; allowed: a whole number, "
     "at least 7"),
    ("count as text", changed("small_count_max = 7", 'small_count_max = "7"'),
     ': [thresholds] small_count_max = "7": not a whole number; allowed: a whole number, at least 7'),
    ("weaker count rule", changed("small_count_max = 7", "small_count_max = 5"),
     ": [thresholds] small_count_max = 5: weaker than the methodology; allowed: at least 7, or set [protection] "
     "allow_weaker_than_methodology = true to publish with weaker protection"),
    ("weaker survey minimum", changed("survey_min_respondents = 11", "survey_min_respondents = 10"),
     ": [thresholds] survey_min_respondents = 10: weaker than the methodology; allowed: at least 11, or set "
     "[protection] allow_weaker_than_methodology = true to publish with weaker protection"),
    ("weaker declaration threshold", changed("declaration_withhold = 0.80", "declaration_withhold = 0.75"),
     ": [thresholds] declaration_withhold = 0.75: weaker than the methodology; allowed: at least 0.8, or set "
     "[protection] allow_weaker_than_methodology = true to publish with weaker protection"),
    ("unknown time zone", changed('timezone = "Europe/London"', 'timezone = "Europe/Londres"'),
     ': [schedule] timezone = "Europe/Londres": not a known time zone'),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_configuration_is_one_line_naming_file_key_value_and_what_is_allowed(tmp_path, text, expected):
    path = written(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(raised.value).splitlines()[-1] == f"{path}{expected}"


def test_a_misspelled_key_also_names_the_key_it_leaves_missing(tmp_path):
    path = written(tmp_path, CASES[0][1])
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(raised.value).splitlines() == [
        f"{path}: [thresholds] survey_min_respondents missing: the key is required; allowed: a whole number of "
        f"respondents, at least 11", f"{path}{CASES[0][2]}"]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES[1:8]], ids=[c[0] for c in CASES[1:8]])
def test_the_command_line_prints_the_error_without_a_traceback(tmp_path, monkeypatch, text, expected):
    monkeypatch.delenv("WRES_CONFIG", raising=False)
    path = written(tmp_path, text)
    result = CliRunner().invoke(main, ["--config", str(path), "status"])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}{expected}\n"
    assert "Traceback" not in result.output and not isinstance(result.exception, ConfigError)


def test_a_missing_configuration_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=f"^{tmp_path / 'nowhere.toml'}: configuration file not found"):
        load_settings(tmp_path / "nowhere.toml")


def test_weaker_thresholds_are_accepted_only_when_the_configuration_says_so(tmp_path):
    text = changed("small_count_max = 7", "small_count_max = 5").replace(
        "allow_weaker_than_methodology = false", "allow_weaker_than_methodology = true")
    settings = load_settings(written(tmp_path, text))
    assert settings.thresholds.small_count_max == 5 and settings.allow_weaker_than_methodology
    assert settings.protection_notice() == (
        "Disclosure control weaker than the methodology ([protection] allow_weaker_than_methodology = true in "
        "wres.toml): counts from 1 to 5 are hidden below England (the methodology hides 1 to 7).")
    assert load_settings().protection_notice() == ""


def test_the_shipped_configuration_is_the_methodology(tmp_path):
    t = load_settings(PROJECT_ROOT / "wres.toml").thresholds
    assert (t.small_count_min, t.small_count_max, t.survey_min_respondents, t.declaration_withhold) == (1, 7, 11, 0.80)


def _weaker(settings, allowed: bool):
    thresholds = settings.thresholds.model_copy(update={"small_count_max": 5})
    return dataclasses.replace(settings, thresholds=thresholds, allow_weaker_than_methodology=allowed)


def _publish_2017(handmade, settings):
    from wres.publish.release import publish_year

    con = duckdb.connect(str(handmade.settings.warehouse), read_only=True)
    try:
        return publish_year(con, 2017, settings)
    finally:
        con.close()


def test_a_release_with_weaker_thresholds_says_so_first_everywhere(handmade, tmp_path):
    settings = _weaker(handmade.settings.with_paths(publish_dir=tmp_path / "published"), allowed=True)
    release, gate = _publish_2017(handmade, settings)
    notice = ("Disclosure control weaker than the methodology ([protection] allow_weaker_than_methodology = true "
              "in wres.toml): counts from 1 to 5 are hidden below England (the methodology hides 1 to 7).")
    manifest = json.loads((release.folder / "manifest.json").read_text(encoding="utf-8"))
    assert next(iter(manifest)) == "protection_notice" and manifest["protection_notice"] == notice
    configuration = gate.checks[0]
    assert (configuration.suite, configuration.severity, configuration.success) == ("configuration", "warning", False)
    assert configuration in gate.warnings
    checks = json.loads((tmp_path / "published" / "gate_reports" / "2017" / "checks.json").read_text())
    assert next(iter(checks)) == "protection_notice"
    for page in (release.folder / "data_quality.html", release.folder / "report" / "methodology.html"):
        text = page.read_text(encoding="utf-8")
        # The notice is the first thing after the page's heading.
        body = text[text.index("</h1>") + len("</h1>"):].lstrip()
        assert body.startswith("<p") and body[:body.index("</p>")].endswith(notice + ("</strong>" if "report" in
                                                                                       str(page) else ""))


def test_the_gate_blocks_weaker_thresholds_that_were_not_allowed(handmade, tmp_path):
    from wres.publish.release import GateFailed

    settings = _weaker(handmade.settings.with_paths(publish_dir=tmp_path / "published"), allowed=False)
    with pytest.raises(GateFailed) as raised:
        _publish_2017(handmade, settings)
    (failure,) = raised.value.gate.failures
    assert failure.suite == "configuration"
    assert failure.observed == "counts from 1 to 5 are hidden below England (the methodology hides 1 to 7)"
    assert not (tmp_path / "published" / "2017").exists()


def test_the_gate_checks_the_methodology_declaration_rule_whatever_the_configuration(handmade, tmp_path):
    import pandas as pd

    from wres.publish.release import discard, stage_release
    from wres.quality.gate import publication_checks

    settings = handmade.settings.with_paths(publish_dir=tmp_path / "published")
    guard = ("methodology minimum: no indicator 1-4 or 9 value of a trust declaring the ethnicity of fewer than 80% "
             "of its staff (its declaration rate excepted), whatever the configuration's threshold")
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    release = stage_release(con, 2018, settings)
    try:
        def check():
            return {c.guards: c for c in publication_checks(con, 2018, release.staging, None, settings)}[guard]

        # RCC declares the ethnicity of 10 of its 15 staff in 2018 (66.7%): its values are withheld, blank.
        assert check().success
        path = release.staging / "wres_indicator_summary.parquet"
        frame = pd.read_parquet(path)
        leak = (frame["area_code"] == "RCC") & (frame["measure"] == "pct_bme") & (frame["breakdown"] == "all")
        assert leak.sum() == 1 and frame.loc[leak, "value"].isna().all()
        frame.loc[leak, "value"] = 50.0
        frame.to_parquet(path)
        failed = check()
        assert not failed.success and failed.methodology_minimum
        assert [r.split(" <- ")[0] for r in failed.failing_rows] == ["1:trust:RCC:all:pct_bme"]
    finally:
        discard(release)
        con.close()
