"""Code lists of the WRES domain, read from the dbt seeds so that dbt and Python share one copy."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from wres.config import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
ETHNICITY_GROUPS = ("White", "BME", "Unknown")
TRUST_TYPES = (
    "Acute",
    "Acute specialist",
    "Mental health and learning disability",
    "Community",
    "Ambulance",
    "Combined",
)
SURVEY_GENDERS = ("Female", "Male", "Non-binary", "Prefer to self-describe", "Prefer not to say")
SURVEY_OCCUPATIONS = (
    "Registered Nurses and Midwives",
    "Nursing or Healthcare Assistants",
    "Medical and Dental",
    "Allied Health Professionals",
    "Healthcare Scientists",
    "Ambulance (operational)",
    "Wider healthcare team",
    "General Management",
    "Other",
)
BOARD_ROLES = ("Executive", "Non-executive")
# Indicator 1's headcount parts (`headcount_<part>`), the band groups of the pay_bands seed, and the
# two band groups each race disparity ratio compares.
HEADCOUNT_PARTS = ("white", "bme", "unknown", "total")
BAND_GROUPS = ("lower", "middle", "upper")
DISPARITY_RATIOS = {"disparity_lower_to_middle": ("lower", "middle"),
                    "disparity_middle_to_upper": ("middle", "upper"),
                    "disparity_lower_to_upper": ("lower", "upper")}


def read_seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def pay_bands() -> dict[str, tuple[str, ...]]:
    """Staff group -> its pay bands, in band order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for row in read_seed("pay_bands"):
        groups.setdefault(row["staff_group"], []).append((int(row["band_order"]), row["pay_band"]))
    return {group: tuple(band for _, band in sorted(bands)) for group, bands in groups.items()}


@lru_cache(maxsize=None)
def band_levels() -> dict[tuple[str, str], str]:
    """(staff group, pay band) -> lower, middle, upper (AfC) or medical: the disparity-ratio levels."""
    return {(row["staff_group"], row["pay_band"]): row["band_level"] for row in read_seed("pay_bands")}


@lru_cache(maxsize=None)
def ethnic_categories() -> dict[str, str]:
    """NHS Data Dictionary ethnic category code -> White / BME / Unknown."""
    return {row["ethnic_category"]: row["ethnicity_group"] for row in read_seed("ethnic_categories")}


@lru_cache(maxsize=None)
def survey_ethnicities() -> dict[str, str]:
    """Staff survey ethnicity label -> White / BME / Unknown."""
    return {row["ethnicity_label"]: row["ethnicity_group"] for row in read_seed("survey_ethnicities")}


@lru_cache(maxsize=None)
def survey_answers() -> dict[str, tuple[str, ...]]:
    """Answer kind (harassment, equal_opportunities, discrimination) -> allowed answers."""
    kinds: dict[str, list[str]] = {}
    for row in read_seed("survey_answers"):
        kinds.setdefault(row["answer_kind"], []).append(row["answer"])
    return {kind: tuple(answers) for kind, answers in kinds.items()}


def survey_questions(survey_year: int) -> dict[int, tuple[str, ...]] | None:
    """Indicator -> question columns for a survey year, or None when the map has no entry."""
    found: dict[int, list[str]] = {}
    for row in read_seed("survey_question_map"):
        if int(row["first_survey_year"]) <= survey_year <= int(row["last_survey_year"]):
            found.setdefault(int(row["indicator"]), []).append(row["question_column"])
    return {k: tuple(v) for k, v in found.items()} or None


@lru_cache(maxsize=None)
def answer_kind_by_indicator() -> dict[int, str]:
    """Indicator -> the answer scale of its questions (harassment, equal_opportunities, discrimination)."""
    return {int(row["indicator"]): row["answer_kind"] for row in read_seed("survey_question_map")}


@dataclass(frozen=True)
class Measure:
    """How a person reads one measure: seeds/measure_labels.csv."""

    indicator: int
    measure: str
    label: str
    unit: str
    direction: str  # lower, higher, parity, or "" when neither is better

    @property
    def heading(self) -> str:
        """The label and its unit, as a column heading: 'BME staff, % of staff'."""
        return f"{self.label}, {self.unit}"

    @property
    def extremes(self) -> tuple[str, str, str]:
        """The names of a comparator group's first, middle and last value, best to worst where better
        is defined, lowest to highest otherwise."""
        return {"lower": ("best (lowest)", "median", "worst (highest)"),
                "higher": ("best (highest)", "median", "worst (lowest)"),
                "parity": ("best (nearest parity)", "median", "worst (furthest from parity)")}.get(
            self.direction, ("lowest", "median", "highest"))


@lru_cache(maxsize=None)
def measures() -> dict[tuple[int, str], Measure]:
    """(indicator, measure) -> its label, unit and direction, in the seed's order."""
    return {(int(r["indicator"]), r["measure"]): Measure(int(r["indicator"]), r["measure"], r["label"], r["unit"],
                                                         r["direction"] or "")
            for r in read_seed("measure_labels")}


def measure(indicator: int, name: str) -> Measure:
    """The measure's label; a measure the seed does not describe is an error, never shown by its column name."""
    try:
        return measures()[(int(indicator), name)]
    except KeyError:
        raise KeyError(f"dbt_project/seeds/measure_labels.csv: no row for indicator {indicator}, measure "
                       f"{name!r}: add its label, unit and direction") from None
