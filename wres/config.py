"""Settings of the warehouse, read from the one configuration file `wres.toml`.

Every threshold, year range and path lives in that file. The environment variables
`WRES_RAW_DIR`, `WRES_WAREHOUSE` and `WRES_PUBLISH_DIR` override the paths, and
`WRES_CONFIG` points at another configuration file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class Thresholds:
    survey_min_respondents: int
    small_count_min: int
    small_count_max: int
    board_counts_exempt: bool
    declaration_warning: float
    declaration_withhold: float
    return_rate_min: float
    four_fifths_lower: float
    four_fifths_upper: float
    source_mismatch: float
    confidence_z: float
    max_count: int


@dataclass(frozen=True)
class Years:
    first_wres_year: int
    indicator1_return_from: int
    dcf_workforce_from: int
    indicator3_year_end_from: int
    indicator7_current_from_survey: int
    survey_lag: int


@dataclass(frozen=True)
class GeneratorDefaults:
    first_wres_year: int
    last_wres_year: int
    default_scale: float
    default_seed: int


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
    contact: str = ""

    def with_paths(self, raw_dir=None, warehouse=None, publish_dir=None) -> "Settings":
        """A copy with some paths replaced (command-line flags win over the environment)."""
        return replace(
            self,
            raw_dir=Path(raw_dir).resolve() if raw_dir else self.raw_dir,
            warehouse=Path(warehouse).resolve() if warehouse else self.warehouse,
            publish_dir=Path(publish_dir).resolve() if publish_dir else self.publish_dir,
        )

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
            # Secondary suppression keeps what earlier releases published or hid (DOMAIN.md).
            "publish_dir": str(self.publish_dir),
        }


    def duckdb_config(self) -> dict[str, str]:
        """Configuration for each connection to the warehouse (dbt's profile reads the same value)."""
        return {"memory_limit": self.duckdb_memory_limit}


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else base / path).resolve()


def load_settings(config_file: str | os.PathLike | None = None) -> Settings:
    """Read the configuration file and apply the environment overrides."""
    path = Path(config_file or os.environ.get("WRES_CONFIG") or PROJECT_ROOT / "wres.toml").resolve()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"configuration file {path} not found (set WRES_CONFIG or restore wres.toml)")
    base = path.parent
    paths = raw["paths"]
    env = os.environ
    return Settings(
        config_file=path,
        raw_dir=_resolve(base, env.get("WRES_RAW_DIR") or paths["raw_dir"]),
        warehouse=_resolve(base, env.get("WRES_WAREHOUSE") or paths["warehouse"]),
        publish_dir=_resolve(base, env.get("WRES_PUBLISH_DIR") or paths["publish_dir"]),
        dagster_home=_resolve(base, env.get("DAGSTER_HOME") or paths["dagster_home"]),
        years=Years(**raw["years"]),
        thresholds=Thresholds(**raw["thresholds"]),
        generator=GeneratorDefaults(**raw["generator"]),
        leaver_rate=float(raw["model_employer"]["leaver_rate"]),
        target_years=tuple(raw["model_employer"]["target_years"]),
        annual_refresh_cron=raw["schedule"]["annual_refresh_cron"],
        timezone=raw["schedule"]["timezone"],
        duckdb_memory_limit=str(raw["duckdb"]["memory_limit"]),
        umask=int(str(raw.get("security", {}).get("umask", "027")), 8),
        contact=str(raw.get("publication", {}).get("contact", "")),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process (read once)."""
    return load_settings()
