"""Finding files in the landing zone: which WRES years it holds, and each year's files by source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from wres.config import Settings
from wres.ingest import contracts as c

SURVEY_SUFFIXES = (".csv", ".csv.gz", ".parquet")
DCF_FILE = re.compile(r"^(?P<section>[a-z_]+)__(?P<submission_id>[^/]+)\.csv$")


@dataclass(frozen=True)
class LandingFile:
    path: Path
    contract: c.Contract
    submission_id: str | None = None  # DCF files: from the file name

    @property
    def is_parquet(self) -> bool:
        return self.path.name.endswith(".parquet")


@dataclass
class YearFiles:
    wres_year: int
    survey_year: int
    files: list[LandingFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # layout problems (missing section, odd names)

    def by_contract(self) -> dict[c.Contract, list[LandingFile]]:
        grouped: dict[c.Contract, list[LandingFile]] = {}
        for item in self.files:
            grouped.setdefault(item.contract, []).append(item)
        return grouped


def _year_folders(folder: Path) -> set[int]:
    if not folder.is_dir():
        return set()
    return {int(p.name) for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)
            and any(p.iterdir())}


def wres_years_found(raw_dir: Path, settings: Settings) -> list[int]:
    """WRES years for which the landing zone holds workforce statistics, returns or a survey."""
    lag = settings.years.survey_lag
    years = _year_folders(raw_dir / "workforce_statistics") | _year_folders(raw_dir / "dcf")
    years |= {y + lag for y in _year_folders(raw_dir / "staff_survey")}
    return sorted(y for y in years if y >= settings.years.first_wres_year)


def reference_files(raw_dir: Path) -> list[LandingFile]:
    """The reference files: ODS trusts and trust types, and ICB names when the optional file is there."""
    files = [LandingFile(raw_dir / "reference" / "etr.csv", c.ETR),
             LandingFile(raw_dir / "reference" / "trust_types.csv", c.TRUST_TYPES)]
    names = raw_dir / "reference" / "icb_names.csv"
    if names.exists():
        files.append(LandingFile(names, c.ICB_NAMES))
    return files


def year_files(raw_dir: Path, wres_year: int, settings: Settings) -> YearFiles:
    """The files of one WRES year, with the problems of the folder layout itself."""
    survey_year = wres_year - settings.years.survey_lag
    found = YearFiles(wres_year=wres_year, survey_year=survey_year)

    workforce = raw_dir / "workforce_statistics" / str(wres_year)
    if workforce.is_dir():
        for path in sorted(workforce.iterdir()):
            if path.suffix == ".csv":
                found.files.append(LandingFile(path, c.WORKFORCE_STATISTICS))
            elif path.is_file():
                found.problems.append(f"{path}: unexpected file; workforce_statistics/{wres_year}/ holds *.csv files")

    dcf = raw_dir / "dcf" / str(wres_year)
    expected = c.dcf_sections_for(wres_year, settings.years.dcf_workforce_from)
    seen: set[str] = set()
    if dcf.is_dir():
        for path in sorted(dcf.iterdir()):
            match = DCF_FILE.match(path.name)
            if not match or match["section"] not in c.DCF_SECTIONS:
                found.problems.append(
                    f"{path}: unexpected file name; expected <section>__<submission_id>.csv "
                    f"with section one of {', '.join(c.DCF_SECTIONS)}")
                continue
            seen.add(match["section"])
            found.files.append(LandingFile(path, c.DCF_SECTIONS[match["section"]], match["submission_id"]))
        for section in expected:
            if section not in seen:
                found.problems.append(f"{dcf}: no '{section}' section files ({section}__<submission_id>.csv); "
                                      f"the WRES {wres_year} return needs sections {', '.join(expected)}")

    survey = raw_dir / "staff_survey" / str(survey_year)
    if survey.is_dir():
        for path in sorted(survey.iterdir()):
            if path.name.endswith(SURVEY_SUFFIXES):
                found.files.append(LandingFile(path, c.STAFF_SURVEY))
            elif path.is_file():
                found.problems.append(f"{path}: unexpected file; staff_survey/{survey_year}/ holds "
                                      f"{', '.join('*' + s for s in SURVEY_SUFFIXES)} files")
    return found


SOURCE_FOLDERS = ("workforce_statistics", "dcf", "staff_survey")
REFERENCE_FILES = ("etr.csv", "trust_types.csv", "icb_names.csv")


def unexpected_entries(raw_dir: Path) -> list[str]:
    """Folders and files the landing zone layout has no place for: nothing reads them, so a
    file dropped in the wrong place (`dcf/2022_old/`, `dcf/returns.csv`) would be silently ignored."""
    if not raw_dir.is_dir():
        return []
    found = []
    expected_top = {"reference", *SOURCE_FOLDERS}
    for entry in sorted(raw_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name not in expected_top or not entry.is_dir():
            found.append(f"{entry}: not part of the landing zone layout (reference/, "
                         f"{'/, '.join(SOURCE_FOLDERS)}/); it is not read")
        elif entry.name == "reference":
            found.extend(f"{p}: not a reference file ({', '.join(REFERENCE_FILES)}); it is not read"
                         for p in sorted(entry.iterdir()) if not p.name.startswith(".") and p.name not in REFERENCE_FILES)
        else:
            found.extend(f"{p}: expected a year folder {entry.name}/<YYYY>/; it is not read"
                         for p in sorted(entry.iterdir())
                         if not p.name.startswith(".") and not (p.is_dir() and re.fullmatch(r"\d{4}", p.name)))
            found.extend(f"{q}: a folder inside a year folder; it is not read"
                         for p in sorted(entry.iterdir()) if p.is_dir() and re.fullmatch(r"\d{4}", p.name)
                         for q in sorted(p.iterdir()) if q.is_dir())
    return found
