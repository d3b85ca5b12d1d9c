"""Settings of the warehouse, read from the one configuration file `wres.toml` and validated on load.

Every threshold, year range and path lives in that file. The environment variables
`WRES_RAW_DIR`, `WRES_WAREHOUSE` and `WRES_PUBLISH_DIR` override the paths, and
`WRES_CONFIG` points at another configuration file.

Each section is a schema (pydantic): types are strict (`"7"` is not a number), values have
ranges, and an unknown key is an error. A bad file raises `ConfigError`, one line per problem,
naming the file, the key, the value and what is allowed. Thresholds weaker than the methodology's
minimums (`METHODOLOGY_MINIMUMS`) are refused unless `[protection] allow_weaker_than_methodology`
is true; a release built so says it first (manifest, methodology page, gate report).

Settings are built once by each entry point (the `wres` command, the Dagster definitions) and
passed on: nothing here reads the file at import.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# The methodology's disclosure-control minimums (docs/METHODOLOGY.md, "Disclosure control and gates"): counts of
# 1 to 7 hidden below England, survey figures from at least 11 respondents, a trust's indicators 1-4
# and 9 withheld below 80% declaration. The configuration may be stricter, never weaker by default.
METHODOLOGY_MINIMUMS = {"small_count_min": 1, "small_count_max": 7, "survey_min_respondents": 11,
                        "declaration_withhold": 0.80}
# The survey breakdown's percentages are published rounded to this many decimals, so that a denominator
# cannot be read back from a full-precision k/n (docs/METHODOLOGY.md, "Disclosure control and gates"): the
# publication rounds to it and the gate checks it.
SURVEY_BREAKDOWN_DECIMALS = 1
# WRES years a refresh publishes side by side by default (`wres refresh --workers`), each in a process of
# its own: the machine's two cores. Each takes up to about 1 GB at national size. Not in wres.toml: it
# changes how fast a release is written, never what it holds, and the file is part of every release.
PUBLICATION_WORKERS = 2
# ... when the years a refresh publishes hold at least this many landing files (a national year holds about
# 1,000: five return sections per trust); below that (a region's data, the tests' hand-made zone, 30 files a
# year) a worker's start (its imports and warm-up, about 8 s of CPU) costs more than it saves, and the years
# are published one after another in the refreshing process.
PUBLICATION_WORKERS_FROM_FILES = 200
# WRES years secondary suppression protects side by side, each in a process of its own
# (wres.processes), when the years a build suppresses hold at least SUPPRESSION_PROCESSES_FROM
# measure rows (a national year holds about 80,000): below that, starting the processes costs more than
# they save. Not in wres.toml either: the same rows come out either way.
SUPPRESSION_PROCESSES = 2
SUPPRESSION_PROCESSES_FROM = 20_000


class ConfigError(ValueError):
    """The configuration file cannot be used: one line per problem, no traceback needed."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Paths(_Section):
    raw_dir: str = Field(min_length=1, description="a folder path")
    warehouse: str = Field(min_length=1, description="a file path")
    publish_dir: str = Field(min_length=1, description="a folder path")
    dagster_home: str = Field(min_length=1, description="a folder path")


class Security(_Section):
    umask: str = Field("027", pattern=r"^0?[0-7]{3}$", description='three octal digits in quotes, e.g. "027"')


class DuckDB(_Section):
    memory_limit: str = Field(pattern=r"(?i)^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$",
                              description='a size in quotes, e.g. "600MB" or "2GB"')


class Years(_Section):
    first_wres_year: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    indicator1_return_from: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    dcf_workforce_from: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    indicator3_year_end_from: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    indicator7_current_from_survey: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    survey_lag: int = Field(ge=0, le=5, description="a whole number of years from 0 to 5")


class Thresholds(_Section):
    survey_min_respondents: int = Field(ge=1, description="a whole number of respondents, at least 11")
    small_count_min: int = Field(ge=0, description="a whole number, at most 1")
    small_count_max: int = Field(ge=0, description="a whole number, at least 7")
    board_counts_exempt: bool = Field(description="true or false")
    declaration_warning: float = Field(ge=0, le=1, description="a share from 0 to 1, at least declaration_withhold")
    declaration_withhold: float = Field(ge=0, le=1, description="a share from 0 to 1, at least 0.80")
    return_rate_min: float = Field(ge=0, le=1, description="a share from 0 to 1")
    four_fifths_lower: float = Field(gt=0, le=1, description="a ratio above 0, at most 1")
    four_fifths_upper: float = Field(ge=1, description="a ratio of at least 1")
    source_mismatch: float = Field(ge=0, le=1, description="a share from 0 to 1")
    confidence_z: float = Field(gt=0, description="a positive number, e.g. 1.96")
    max_count: int = Field(ge=1, description="a positive whole number")

    @model_validator(mode="after")
    def _ordered(self) -> "Thresholds":
        if self.small_count_max < self.small_count_min:
            raise ValueError(f"small_count_max = {self.small_count_max} is below small_count_min = "
                             f"{self.small_count_min}; allowed: small_count_max >= small_count_min")
        if self.declaration_warning < self.declaration_withhold:
            raise ValueError(f"declaration_warning = {self.declaration_warning} is below declaration_withhold = "
                             f"{self.declaration_withhold}; allowed: declaration_warning >= declaration_withhold")
        return self

    def weaker_than_methodology(self) -> list[str]:
        """Each way these thresholds protect less than the methodology's minimums, in words."""
        m = METHODOLOGY_MINIMUMS
        found = []
        if self.small_count_min > m["small_count_min"] or self.small_count_max < m["small_count_max"]:
            found.append(f"counts from {self.small_count_min} to {self.small_count_max} are hidden below England "
                         f"(the methodology hides {m['small_count_min']} to {m['small_count_max']})")
        if self.survey_min_respondents < m["survey_min_respondents"]:
            found.append(f"survey figures need {self.survey_min_respondents} respondents "
                         f"(the methodology needs {m['survey_min_respondents']})")
        if self.declaration_withhold < m["declaration_withhold"]:
            found.append(f"indicators are withheld below {self.declaration_withhold:.0%} declaration "
                         f"(the methodology withholds below {m['declaration_withhold']:.0%})")
        return found


class ModelEmployer(_Section):
    leaver_rate: float = Field(gt=0, lt=1, description="a share above 0 and below 1")
    target_years: list[int] = Field(min_length=1, description="a list of years, e.g. [2023, 2028]")


class GeneratorDefaults(_Section):
    first_wres_year: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    last_wres_year: int = Field(ge=2000, le=2100, description="a year from 2000 to 2100")
    default_scale: float = Field(gt=0, le=10, description="a positive scale, 1.0 = national size")
    default_seed: int = Field(description="a whole number")


class Schedule(_Section):
    annual_refresh_cron: str = Field(pattern=r"^\S+( \S+){4}$", description='a cron string of five fields')
    timezone: str = Field(description='an IANA time zone, e.g. "Europe/London"')

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known time zone") from None
        return value


class Protection(_Section):
    allow_weaker_than_methodology: bool = Field(False, description="true or false")


class Publication(_Section):
    contact: str = Field("", max_length=200, description="text: who answers questions about a release")


class ConfigFile(_Section):
    """The whole of `wres.toml`: every section required except [security], [protection] and [publication]."""

    paths: Paths
    security: Security = Security()
    duckdb: DuckDB
    years: Years
    thresholds: Thresholds
    model_employer: ModelEmployer
    generator: GeneratorDefaults
    schedule: Schedule
    protection: Protection = Protection()
    publication: Publication = Publication()


@dataclass(frozen=True)
class Settings:
    config_file: Path
    raw_dir: Path
    warehouse: Path
    publish_dir: Path
    dagster_home: Path
    years: Years
    thresholds: Thresholds
    generator: GeneratorDefaults
    leaver_rate: float
    target_years: tuple[int, ...]
    annual_refresh_cron: str
    timezone: str
    duckdb_memory_limit: str
    umask: int = 0o027
    allow_weaker_than_methodology: bool = False
    contact: str = ""

    def with_paths(self, raw_dir=None, warehouse=None, publish_dir=None) -> "Settings":
        """A copy with some paths replaced (command-line flags win over the environment)."""
        return replace(
            self,
            raw_dir=Path(raw_dir).resolve() if raw_dir else self.raw_dir,
            warehouse=Path(warehouse).resolve() if warehouse else self.warehouse,
            publish_dir=Path(publish_dir).resolve() if publish_dir else self.publish_dir,
        )

    def weakened_protection(self) -> list[str]:
        """How this configuration protects less than the methodology (allowed only explicitly), in words;
        empty for the methodology's protection or stronger."""
        return self.thresholds.weaker_than_methodology()

    def protection_notice(self) -> str:
        """The sentence a release built with weaker thresholds carries first; empty otherwise."""
        weaker = self.weakened_protection()
        if not weaker:
            return ""
        return ("Disclosure control weaker than the methodology ([protection] allow_weaker_than_methodology = "
                f"true in {self.config_file.name}): " + "; ".join(weaker) + ".")

    def dbt_vars(self) -> dict:
        """The configuration dbt reads with `var()` (the profile its warehouse path): passed on every dbt
        invocation. They change only with the configuration, so dbt's partial parsing holds between builds."""
        t, y = self.thresholds, self.years
        return {
            "warehouse": str(self.warehouse),
            "duckdb_memory_limit": self.duckdb_memory_limit,
            "first_wres_year": y.first_wres_year,
            "dcf_workforce_from": y.dcf_workforce_from,
            "indicator1_return_from": y.indicator1_return_from,
            "indicator3_year_end_from": y.indicator3_year_end_from,
            "indicator7_current_from_survey": y.indicator7_current_from_survey,
            "survey_lag": y.survey_lag,
            "survey_min_respondents": t.survey_min_respondents,
            "small_count_min": t.small_count_min,
            "small_count_max": t.small_count_max,
            "board_counts_exempt": t.board_counts_exempt,
            "declaration_warning": t.declaration_warning,
            "declaration_withhold": t.declaration_withhold,
            "four_fifths_lower": t.four_fifths_lower,
            "four_fifths_upper": t.four_fifths_upper,
            "source_mismatch": t.source_mismatch,
            "confidence_z": t.confidence_z,
            "leaver_rate": self.leaver_rate,
            "target_years": list(self.target_years),
        }

    def duckdb_config(self) -> dict[str, str]:
        """Configuration for each connection to the warehouse (dbt's profile reads the same value)."""
        return {"memory_limit": self.duckdb_memory_limit}


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else base / path).resolve()


def _toml(value: Any) -> str:
    """A value as it would be written in the TOML file, shortened: `"7"`, `-7`, `true`."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    elif isinstance(value, dict):
        text = "a table"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_REASONS = {
    "int_type": "not a whole number", "float_type": "not a number", "bool_type": "not true or false",
    "string_type": "not text in quotes", "list_type": "not a list", "model_type": "not a [section]",
    "int_from_float": "not a whole number", "string_pattern_mismatch": "not of the allowed form",
}


def _field_of(model: type[BaseModel], name: str):
    return model.model_fields.get(name)


def _describe(path: Path, error: dict) -> str:
    """One pydantic error as one line: file, [section] key = value, what is wrong, what is allowed."""
    loc = [str(part) for part in error["loc"]]
    section = loc[0] if loc else ""
    key = loc[1] if len(loc) > 1 else ""
    section_model = ConfigFile.model_fields[section].annotation if section in ConfigFile.model_fields else None
    kind = error["type"]
    if kind == "extra_forbidden":
        known = list(section_model.model_fields) if section_model and key else list(ConfigFile.model_fields)
        name = key or section
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        where = f"[{section}] {key}" if key else f"[{section}]"
        return f"{path}: {where}: unknown {'key' if key else 'section'}; {hint}allowed: {', '.join(known)}"
    if kind == "missing":
        if not key:
            return f"{path}: [{section}] missing: the section is required"
        field = _field_of(section_model, key) if section_model else None
        allowed = f"; allowed: {field.description}" if field is not None and field.description else ""
        return f"{path}: [{section}] {key} missing: the key is required{allowed}"
    field = _field_of(section_model, key) if section_model and key else None
    value = error.get("input")
    where = f"[{section}] {key} = {_toml(value)}" if key else f"[{section}]"
    if kind == "value_error":  # raised by a validator with its own words
        reason = str(error.get("ctx", {}).get("error") or error["msg"])
        return f"{path}: {where}: {reason}" if key else f"{path}: [{section}] {reason}"
    reason = _REASONS.get(kind) or error["msg"].replace("Input should", "should").replace("String should", "should")
    allowed = field.description if field is not None and field.description else ""
    return f"{path}: {where}: {reason}" + (f"; allowed: {allowed}" if allowed else "")


def _refuse_weaker(path: Path, parsed: ConfigFile) -> list[str]:
    """Thresholds below the methodology's minimums, each one line, unless explicitly allowed."""
    if parsed.protection.allow_weaker_than_methodology:
        return []
    t, m = parsed.thresholds, METHODOLOGY_MINIMUMS
    hint = "or set [protection] allow_weaker_than_methodology = true to publish with weaker protection"
    problems = []
    for key, stronger in (("small_count_min", "at most"), ("small_count_max", "at least"),
                          ("survey_min_respondents", "at least"), ("declaration_withhold", "at least")):
        value, minimum = getattr(t, key), m[key]
        weaker = value > minimum if stronger == "at most" else value < minimum
        if weaker:
            problems.append(f"{path}: [thresholds] {key} = {_toml(value)}: weaker than the methodology; "
                            f"allowed: {stronger} {minimum:g}, {hint}")
    return problems


def load_settings(config_file: str | os.PathLike | None = None) -> Settings:
    """Read and validate the configuration file and apply the environment overrides; `ConfigError` names
    every problem found."""
    path = Path(config_file or os.environ.get("WRES_CONFIG") or PROJECT_ROOT / "wres.toml").resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found (set WRES_CONFIG or restore wres.toml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        parsed = ConfigFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError("\n".join(dict.fromkeys(_describe(path, e) for e in exc.errors()))) from None
    problems = _refuse_weaker(path, parsed)
    if problems:
        raise ConfigError("\n".join(problems))
    base = path.parent
    paths = parsed.paths
    env = os.environ
    return Settings(
        config_file=path,
        raw_dir=_resolve(base, env.get("WRES_RAW_DIR") or paths.raw_dir),
        warehouse=_resolve(base, env.get("WRES_WAREHOUSE") or paths.warehouse),
        publish_dir=_resolve(base, env.get("WRES_PUBLISH_DIR") or paths.publish_dir),
        dagster_home=_resolve(base, env.get("DAGSTER_HOME") or paths.dagster_home),
        years=parsed.years,
        thresholds=parsed.thresholds,
        generator=parsed.generator,
        leaver_rate=parsed.model_employer.leaver_rate,
        target_years=tuple(parsed.model_employer.target_years),
        annual_refresh_cron=parsed.schedule.annual_refresh_cron,
        timezone=parsed.schedule.timezone,
        duckdb_memory_limit=parsed.duckdb.memory_limit.strip(),
        umask=int(parsed.security.umask, 8),
        allow_weaker_than_methodology=parsed.protection.allow_weaker_than_methodology,
        contact=parsed.publication.contact,
    )
