"""Finding files in the landing zone: which WRES years it holds, and each year's files by source."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from wres.config import Settings
from wres.ingest import contracts as c
from wres.text import printable

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


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def not_regular(path: Path, raw_dir: Path) -> str | None:
    """Why `path` is no landing file, or None for a regular file of the landing zone. A symbolic
    link is followed only to a regular file inside the landing zone: reading a FIFO or a device
    would hang or never end, and a file outside the zone is not the zone's to load."""
    zone = Path(raw_dir).resolve()
    shown = printable(path)
    try:
        target = path.resolve(strict=True)
        mode = os.stat(target).st_mode
    except (OSError, RuntimeError):  # a dangling link, a loop
        return f"{shown}: a symbolic link to nothing readable; the landing zone holds regular files only"
    if target != zone and zone not in target.parents:
        return (f"{shown}: a symbolic link to {printable(target)}, outside the landing zone {printable(zone)}; "
                f"the landing zone holds regular files only: copy the file in")
    if not stat.S_ISREG(mode):
        via = f"a symbolic link to {printable(target, 80)}, which is " if path.is_symlink() else ""
        return f"{shown}: {via}{_kind(mode)}, not a regular file; the landing zone holds regular files only"
    return None


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
    if names.exists() or names.is_symlink():
        files.append(LandingFile(names, c.ICB_NAMES))
    return files


def year_files(raw_dir: Path, wres_year: int, settings: Settings) -> YearFiles:
    """The files of one WRES year, with the problems of the folder layout itself."""
    survey_year = wres_year - settings.years.survey_lag
    found = YearFiles(wres_year=wres_year, survey_year=survey_year)

    workforce = raw_dir / "workforce_statistics" / str(wres_year)
    if workforce.is_dir():
        for path in _entries(workforce, raw_dir, found):
            if path.suffix == ".csv":
                found.files.append(LandingFile(path, c.WORKFORCE_STATISTICS))
            else:
                found.problems.append(f"{printable(path)}: unexpected file; workforce_statistics/{wres_year}/ holds *.csv files")

    dcf = raw_dir / "dcf" / str(wres_year)
    expected = c.dcf_sections_for(wres_year, settings.years.dcf_workforce_from)
    seen: set[str] = set()
    if dcf.is_dir():
        for path in _entries(dcf, raw_dir, found):
            match = DCF_FILE.match(path.name)
            if not match or match["section"] not in c.DCF_SECTIONS:
                found.problems.append(
                    f"{printable(path)}: unexpected file name; expected <section>__<submission_id>.csv "
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
        for path in _entries(survey, raw_dir, found):
            if path.name.endswith(SURVEY_SUFFIXES):
                found.files.append(LandingFile(path, c.STAFF_SURVEY))
            else:
                found.problems.append(f"{printable(path)}: unexpected file; staff_survey/{survey_year}/ holds "
                                      f"{', '.join('*' + s for s in SURVEY_SUFFIXES)} files")
    # A year the landing zone holds (a return or a survey for it) needs its workforce statistics while
    # they are indicator 1's only source.
    if found.files and wres_year < settings.years.dcf_workforce_from and not any(
            f.contract is c.WORKFORCE_STATISTICS for f in found.files):
        found.problems.append(f"{workforce}: no workforce statistics (*.csv); indicator 1 of WRES {wres_year} comes "
                              f"from them (the returns' workforce section starts in WRES "
                              f"{settings.years.dcf_workforce_from})")
    return found


def _entries(folder: Path, raw_dir: Path, found: YearFiles) -> list[Path]:
    """The files of a year folder. A folder inside it is left out (`unexpected_entries` warns about
    it); anything else that is not a regular file of the landing zone is a problem of the year."""
    files = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() and not path.is_symlink():
            continue
        problem = not_regular(path, raw_dir)
        if problem:
            found.problems.append(problem)
        else:
            files.append(path)
    return files


@dataclass(frozen=True)
class SourceGap:
    """Indicators a release goes without because a source the methodology lets a year lack was not loaded."""
    indicators: tuple[int, ...]
    reason: str     # in place of a value: "not in this release: ..."
    sentence: str   # for the manifest, the gate's report and every page that would show the indicators


def source_gaps(inputs: list[dict], wres_year: int, settings: Settings) -> list[SourceGap]:
    """The gaps of a year's release, from the files it was loaded from (`release_inputs`). Only the staff
    survey may be missing: the returns' sections, and the workforce statistics before the returns carry
    a workforce section, block the year when missing (`year_files`)."""
    if any(i["source"] == c.STAFF_SURVEY.source for i in inputs):
        return []
    survey_year = wres_year - settings.years.survey_lag
    return [SourceGap((5, 6, 7, 8), "not in this release: no staff survey",
                      f"The landing zone held no NHS Staff Survey {survey_year} (staff_survey/{survey_year}/), so "
                      f"this release has no staff-survey indicators (5-8) for WRES {wres_year}.")]


SOURCE_FOLDERS = ("workforce_statistics", "dcf", "staff_survey")
REFERENCE_FILES = ("etr.csv", "trust_types.csv", "icb_names.csv")


def _inner_folder(path: Path) -> str:
    if path.name.endswith((*SURVEY_SUFFIXES, ".gz")):
        return (f"{path}: a folder named like a data file, not a file; it is not read (a file unpacked into "
                f"a folder of its name? put the file itself in {path.parent.name}/)")
    return f"{path}: a folder inside a year folder; it is not read"


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
            found.extend(_inner_folder(q)
                         for p in sorted(entry.iterdir()) if p.is_dir() and re.fullmatch(r"\d{4}", p.name)
                         for q in sorted(p.iterdir()) if q.is_dir() and not q.is_symlink())
    return found
