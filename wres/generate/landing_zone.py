"""Write a demo landing zone in the layout of CONTRACTS.md.

The figures are drawn from a fixed random seed around the England targets of
`calibration`, over the real NHS trusts open at each 31 March, and carry the mess real
drops have: revised returns, low ethnicity declaration, small counts, small survey
groups, blank answers, trusts that open and close between years, and a few trusts whose
return disagrees with workforce statistics. Everything is vectorised with numpy: one
call per table, not per row.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from wres import vocabulary as vocab
from wres.generate import calibration as cal
from wres.generate.trusts import VENDORED_ETR, open_at_census, read_etr, trust_type

SOURCE_FOLDERS = ("workforce_statistics", "dcf", "staff_survey")
ETHNIC_CODES = {group: [c for c, g in vocab.ethnic_categories().items() if g == group]
                for group in vocab.ETHNICITY_GROUPS}
# Within-group shares of the ethnic category codes (White: A B C; BME: D..S; Unknown: Z 99).
CODE_SHARES = {
    "White": np.array([0.84, 0.03, 0.13]),
    "BME": np.array([0.03, 0.03, 0.04, 0.04, 0.20, 0.08, 0.03, 0.13, 0.06, 0.17, 0.04, 0.03, 0.12]),
    "Unknown": np.array([0.7, 0.3]),
}
SURVEY_LABELS = {group: [label for label, g in vocab.survey_ethnicities().items() if g == group]
                 for group in vocab.ETHNICITY_GROUPS}
SURVEY_LABEL_SHARES = {
    "White": np.array([0.83, 0.03, 0.005, 0.135]),
    "BME": np.array([0.03, 0.04, 0.03, 0.03, 0.21, 0.08, 0.03, 0.03, 0.11, 0.2, 0.07, 0.03, 0.03, 0.08]),
}
HARASSMENT_FREQUENCIES = ("1-2", "3-5", "6-10", "More than 10")
HARASSMENT_FREQUENCY_SHARES = np.array([0.6, 0.22, 0.09, 0.09])


@dataclass
class GenerationSummary:
    out: Path
    wres_years: list[int]
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, rows: int, files: int = 1) -> None:
        self.rows[source] = self.rows.get(source, 0) + rows
        self.files += files


def has_sources(folder: Path) -> bool:
    return any((folder / name).exists() and any((folder / name).rglob("*.*")) for name in SOURCE_FOLDERS)


def generate_landing_zone(
    out: Path | str,
    scale: float = 0.1,
    seed: int = 2022,
    first_year: int = cal.WRES_YEARS[0],
    last_year: int = cal.WRES_YEARS[-1],
    etr_source: Path | str = VENDORED_ETR,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> GenerationSummary:
    """Write every source of CONTRACTS.md for WRES years `first_year`..`last_year`."""
    out = Path(out)
    if scale <= 0:
        raise ValueError(f"--scale must be above 0, got {scale}")
    years = list(range(first_year, last_year + 1))
    unknown = [y for y in years if y not in cal.BME_SHARE]
    if unknown:
        raise ValueError(f"the generator is calibrated for WRES years {cal.WRES_YEARS[0]}-{cal.WRES_YEARS[-1]}, "
                         f"not {unknown}")
    if has_sources(out):
        if not overwrite:
            raise FileExistsError(f"{out} already holds source files; pass --overwrite to replace them")
        for name in SOURCE_FOLDERS + ("reference",):
            shutil.rmtree(out / name, ignore_errors=True)
    say = progress or (lambda message: None)
    summary = GenerationSummary(out=out, wres_years=years)

    trusts = _trust_parameters(read_etr(etr_source), np.random.default_rng([seed, 0]))
    _write_reference(out, etr_source, trusts, summary)
    for year in years:
        rng = np.random.default_rng([seed, year])
        open_trusts = _scaled(open_at_census(trusts, year), year, scale)
        say(f"WRES {year}: {len(open_trusts)} trusts, {int(open_trusts['staff'].sum()):,} staff")
        cells = _workforce_cells(open_trusts, year, rng)
        _write_workforce_statistics(out, year, cells, summary)
        _write_returns(out, year, open_trusts, cells, rng, summary)
        _write_survey(out, year - 1, open_trusts, rng, summary)
    return summary


# --- trusts -------------------------------------------------------------------------------

def _trust_parameters(trusts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per-trust traits that persist across years (size, diversity, declaration quality)."""
    n = len(trusts)
    trusts = trusts.copy()
    trusts["trust_type"] = trusts["name"].map(trust_type)
    trusts["size_weight"] = trusts["trust_type"].map(cal.TRUST_TYPE_SIZE) * rng.lognormal(0, 0.45, n)
    trusts["bme_effect"] = rng.lognormal(0, 0.3, n)
    base_unknown = rng.beta(2, 60, n)  # mostly 1-8% unknown
    quality = rng.random(n)
    # About 4% of trusts declare poorly (80-90%: a warning) and 1.5% very poorly (<80%: withheld).
    base_unknown = np.where(quality < 0.015, rng.uniform(0.22, 0.30, n),
                            np.where(quality < 0.055, rng.uniform(0.11, 0.17, n), base_unknown))
    trusts["unknown_share"] = base_unknown
    trusts["appointment_effect"] = rng.lognormal(0, 0.18, n)
    trusts["disciplinary_effect"] = rng.lognormal(0, 0.3, n)
    trusts["training_effect"] = rng.lognormal(0, 0.12, n)
    trusts["survey_effect"] = rng.normal(0, 0.025, n)
    # A few trusts' returns disagree with workforce statistics by more than 10%.
    trusts["return_factor"] = np.where(rng.random(n) < 0.03, rng.choice([0.82, 1.16], n),
                                       1 + rng.normal(0, 0.01, n))
    return trusts


def _scaled(trusts: pd.DataFrame, year: int, scale: float) -> pd.DataFrame:
    """Staff numbers and BME shares of the open trusts, calibrated to the England targets."""
    trusts = trusts.copy()
    weights = trusts["size_weight"] * (1 + 0.01 * (year - 2016))
    trusts["staff"] = np.maximum(40, np.round(weights / weights.sum() * cal.TOTAL_STAFF[year] * scale)).astype(int)
    region = trusts["region_code"].map(cal.REGION_BME_SHARE_2022).fillna(cal.BME_SHARE[2022])
    raw_share = region * trusts["bme_effect"] * cal.BME_SHARE[year] / cal.BME_SHARE[2022]
    national = (raw_share * trusts["staff"]).sum() / trusts["staff"].sum()
    trusts["bme_share"] = np.clip(raw_share * cal.BME_SHARE[year] / national, 0.01, 0.85)
    drift = cal.UNKNOWN_SHARE[year] / cal.UNKNOWN_SHARE[2022]
    trusts["unknown_share"] = np.clip(trusts["unknown_share"] * np.where(trusts["unknown_share"] < 0.1, drift, 1),
                                      0.0, 0.4)
    trusts["bme_share"] = np.minimum(trusts["bme_share"], 0.97 - trusts["unknown_share"])
    return trusts.reset_index(drop=True)


def _write_reference(out: Path, etr_source: Path | str, trusts: pd.DataFrame, summary: GenerationSummary) -> None:
    folder = out / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(etr_source, folder / "etr.csv")
    types = trusts[["org_code", "trust_type"]]
    types.to_csv(folder / "trust_types.csv", index=False)
    summary.add("reference/etr", sum(1 for _ in open(etr_source, encoding="utf-8")))
    summary.add("reference/trust_types", len(types))


# --- indicator 1: workforce ---------------------------------------------------------------

def _cell_layout() -> pd.DataFrame:
    rows = []
    for group, bands in vocab.pay_bands().items():
        shares = np.array(cal.BAND_SHARE[group]) / sum(cal.BAND_SHARE[group])
        for band, share, factor in zip(bands, shares, cal.BAND_BME_FACTOR[group]):
            rows.append((group, band, cal.STAFF_GROUP_SHARE[group] * share,
                         cal.STAFF_GROUP_BME_FACTOR[group] * factor))
    return pd.DataFrame(rows, columns=["staff_group", "pay_band", "share", "bme_factor"])


def _workforce_cells(trusts: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Headcount by trust, staff group, pay band and ethnic category code."""
    layout = _cell_layout()
    share = layout["share"].to_numpy()
    counts = rng.multinomial(trusts["staff"].to_numpy(), np.tile(share / share.sum(), (len(trusts), 1)))
    relative = layout["bme_factor"].to_numpy() / (share * layout["bme_factor"]).sum() * share.sum()
    unknown = trusts["unknown_share"].to_numpy()[:, None] * np.ones(len(layout))
    bme = np.minimum(trusts["bme_share"].to_numpy()[:, None] * relative, 0.97 - unknown)
    white = np.clip(1 - bme - unknown, 0, 1)
    probabilities = np.stack([white, bme, unknown], axis=-1)
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    by_group = rng.multinomial(counts, probabilities)  # trusts x cells x (White, BME, Unknown)

    frames = []
    for g, group in enumerate(vocab.ETHNICITY_GROUPS):
        codes = ETHNIC_CODES[group]
        split = rng.multinomial(by_group[..., g], CODE_SHARES[group] / CODE_SHARES[group].sum())
        t_idx, c_idx, k_idx = np.nonzero(split)
        frames.append(pd.DataFrame({
            "org_code": trusts["org_code"].to_numpy()[t_idx],
            "staff_group": layout["staff_group"].to_numpy()[c_idx],
            "pay_band": layout["pay_band"].to_numpy()[c_idx],
            "ethnic_category": np.array(codes)[k_idx],
            "ethnicity_group": group,
            "headcount": split[t_idx, c_idx, k_idx],
        }))
    return pd.concat(frames, ignore_index=True)


def _write_workforce_statistics(out: Path, year: int, cells: pd.DataFrame, summary: GenerationSummary) -> None:
    folder = out / "workforce_statistics" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    frame = cells.drop(columns="ethnicity_group").assign(census_date=f"{year}-03-31")
    # Column order is free in the contract: the published extract puts the count first.
    frame = frame[["headcount", "census_date", "org_code", "staff_group", "pay_band", "ethnic_category"]]
    frame = frame.sort_values(["org_code", "staff_group", "pay_band", "ethnic_category"])
    frame.to_csv(folder / f"nhs_workforce_statistics_{year}_03.csv", index=False)
    summary.add("workforce_statistics", len(frame))


# --- the WRES return (DCF) ----------------------------------------------------------------

def _ethnicity_totals(cells: pd.DataFrame) -> pd.DataFrame:
    totals = cells.pivot_table(index="org_code", columns="ethnicity_group", values="headcount",
                               aggfunc="sum", fill_value=0)
    return totals.reindex(columns=list(vocab.ETHNICITY_GROUPS), fill_value=0)


def _write_returns(out: Path, year: int, trusts: pd.DataFrame, cells: pd.DataFrame,
                   rng: np.random.Generator, summary: GenerationSummary) -> None:
    trusts = trusts.set_index("org_code")
    headcount = _ethnicity_totals(cells).reindex(trusts.index, fill_value=0)
    sections = {
        "recruitment": _recruitment(year, trusts, headcount, rng),
        "disciplinary": _disciplinary(year, trusts, headcount, rng),
        "training": _training(year, trusts, headcount, rng),
        "board": _board(year, trusts, rng),
    }
    if year >= 2018:
        sections["workforce"] = _dcf_workforce(trusts, cells)

    n = len(trusts)
    day = rng.integers(0, 60, n)
    first_at = pd.Timestamp(f"{year}-07-01 09:00:00") + pd.to_timedelta(day, unit="D") \
        + pd.to_timedelta(rng.integers(0, 8 * 3600, n), unit="s")
    submitted = pd.DataFrame({"org_code": trusts.index, "submitted_at": first_at}).set_index("org_code")
    # About 6% of trusts revise one section: the first submission carried an error.
    revised = rng.random(n) < 0.06
    revised_section = rng.choice(sorted(sections), n)

    folder = out / "dcf" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    for section, frame in sections.items():
        for org_code, rows in frame.groupby("org_code", sort=True):
            i = trusts.index.get_loc(org_code)
            at = submitted.loc[org_code, "submitted_at"]
            first_id = f"WRES{year}-{org_code}-01"
            if revised[i] and revised_section[i] == section:
                wrong = _corrupt(rows, rng)
                _write_submission(folder, section, first_id, wrong, at, summary)
                later = at + timedelta(days=int(rng.integers(14, 60)), hours=3)
                _write_submission(folder, section, f"WRES{year}-{org_code}-02", rows, later, summary)
            else:
                _write_submission(folder, section, first_id, rows, at, summary)


def _write_submission(folder: Path, section: str, submission_id: str, rows: pd.DataFrame,
                      submitted_at: datetime, summary: GenerationSummary) -> None:
    rows = rows.assign(submission_id=submission_id, submitted_at=submitted_at.strftime("%Y-%m-%dT%H:%M:%S"))
    columns = ["org_code", "submission_id", "submitted_at"] + [c for c in rows.columns if c not in
                                                               ("org_code", "submission_id", "submitted_at")]
    path = folder / f"{section}__{submission_id}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows[columns].itertuples(index=False, name=None))
    summary.add(f"dcf/{section}", len(rows))


def _corrupt(rows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The error a revision corrects: one count of the section doubled."""
    counts = [c for c in rows.columns if rows[c].dtype.kind == "i"]
    wrong = rows.copy()
    column = counts[-1]
    position = int(rng.integers(0, len(wrong)))
    wrong.iloc[position, wrong.columns.get_loc(column)] = int(wrong.iloc[position][column]) * 2 + 3
    if "shortlisted" in wrong.columns:  # keep the first submission valid: appointed <= shortlisted
        wrong["shortlisted"] = np.maximum(wrong["shortlisted"], wrong["appointed"])
    return wrong


def _by_group(trusts: pd.DataFrame, **columns: np.ndarray) -> pd.DataFrame:
    """Long rows (org_code, ethnicity_group, counts...) from trusts x groups arrays."""
    data = {"org_code": np.repeat(trusts.index.to_numpy(), 3),
            "ethnicity_group": np.tile(np.array(vocab.ETHNICITY_GROUPS), len(trusts))}
    data.update({name: values.reshape(-1).astype(np.int64) for name, values in columns.items()})
    return pd.DataFrame(data)


def _recruitment(year, trusts, headcount, rng) -> pd.DataFrame:
    volume = headcount.to_numpy() * np.array([0.30, 0.42, 0.30])  # BME applicants shortlisted more often
    shortlisted = rng.poisson(volume)
    p_white = np.clip(0.21 * trusts["appointment_effect"].to_numpy(), 0.02, 0.9)
    rl = cal.RL_APPOINTMENT[year] * rng.lognormal(0, 0.12, len(trusts))
    p = np.stack([p_white, p_white / rl, p_white * 0.9], axis=1)
    appointed = rng.binomial(shortlisted, np.clip(p, 0, 1))
    return _by_group(trusts, shortlisted=shortlisted, appointed=appointed)


def _disciplinary(year, trusts, headcount, rng) -> pd.DataFrame:
    p_white = 0.009 * trusts["disciplinary_effect"].to_numpy()
    rl = cal.RL_DISCIPLINARY[year] * rng.lognormal(0, 0.1, len(trusts))
    p = np.stack([p_white, p_white * rl, p_white], axis=1)
    return _by_group(trusts, entered_formal_disciplinary=rng.binomial(headcount.to_numpy(), np.clip(p, 0, 1)))


def _training(year, trusts, headcount, rng) -> pd.DataFrame:
    p_white = np.clip(0.45 * trusts["training_effect"].to_numpy(), 0.05, 0.95)
    rl = cal.RL_TRAINING[year] * rng.lognormal(0, 0.06, len(trusts))
    p = np.stack([p_white, p_white / rl, p_white * 0.95], axis=1)
    return _by_group(trusts, accessed_training=rng.binomial(headcount.to_numpy(), np.clip(p, 0, 1)))


def _board(year, trusts, rng) -> pd.DataFrame:
    """Board members by role, voting right and ethnicity group (every cell, zeros included)."""
    n = len(trusts)
    london = (trusts["region_code"] == "Y56").to_numpy()
    tilt = np.where(london, 1.9, 0.85)
    frames = []
    for role, factor, mean_size in (("Executive", cal.BOARD_EXECUTIVE_FACTOR, 7.0),
                                    ("Non-executive", cal.BOARD_NON_EXECUTIVE_FACTOR, 7.5)):
        members = 3 + rng.poisson(mean_size - 3, n)
        non_voting = rng.binomial(members, 0.12 if role == "Executive" else 0.05)
        p_bme = np.clip(cal.BOARD_BME_SHARE[year] * factor * tilt, 0, 0.8)
        p = np.stack([1 - p_bme - 0.02, p_bme, np.full(n, 0.02)], axis=1)
        for voting, count in (("Y", members - non_voting), ("N", non_voting)):
            split = rng.multinomial(count, p)
            frames.append(_by_group(trusts, members=split).assign(board_role=role, voting=voting))
    board = pd.concat(frames, ignore_index=True)
    return board[["org_code", "board_role", "voting", "ethnicity_group", "members"]]


def _dcf_workforce(trusts: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    grouped = cells.groupby(["org_code", "staff_group", "pay_band", "ethnicity_group"],
                            as_index=False)["headcount"].sum()
    factor = grouped["org_code"].map(trusts["return_factor"])
    grouped["headcount"] = np.round(grouped["headcount"] * factor).astype(np.int64)
    return grouped[["org_code", "staff_group", "pay_band", "ethnicity_group", "headcount"]]


# --- the NHS Staff Survey -----------------------------------------------------------------

_OCCUPATION_MIX = {
    "Ambulance": (0.04, 0.02, 0.0, 0.02, 0.0, 0.62, 0.12, 0.08, 0.10),
    "default": (0.33, 0.13, 0.07, 0.12, 0.04, 0.0, 0.16, 0.08, 0.07),
}


def _pick(rng: np.random.Generator, options, shares, size: int) -> np.ndarray:
    shares = np.asarray(shares, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=size, p=shares / shares.sum())]


def _write_survey(out: Path, survey_year: int, trusts: pd.DataFrame, rng: np.random.Generator,
                  summary: GenerationSummary) -> None:
    questions = vocab.survey_questions(survey_year)
    per_trust = rng.binomial(trusts["staff"].to_numpy(), cal.SURVEY_RESPONSE_RATE)
    t = np.repeat(np.arange(len(trusts)), per_trust)
    n = len(t)
    bme_share = (trusts["bme_share"] / (1 - trusts["unknown_share"])).to_numpy()[t] * 0.965
    draw = rng.random(n)
    group = np.where(draw < bme_share, 1, np.where(draw < 0.965, 0, 2))  # 0 White, 1 BME, 2 Unknown

    ethnicity = np.empty(n, dtype=object)
    for g, name in ((0, "White"), (1, "BME")):
        mask = group == g
        ethnicity[mask] = _pick(rng, SURVEY_LABELS[name], SURVEY_LABEL_SHARES[name], int(mask.sum()))
    unknown = group == 2
    ethnicity[unknown] = np.where(rng.random(int(unknown.sum())) < 0.6, "Prefer not to say", "")

    ambulance = (trusts["trust_type"] == "Ambulance").to_numpy()[t]
    occupation = np.empty(n, dtype=object)
    for is_ambulance, mix in ((True, _OCCUPATION_MIX["Ambulance"]), (False, _OCCUPATION_MIX["default"])):
        mask = ambulance == is_ambulance
        occupation[mask] = _pick(rng, vocab.SURVEY_OCCUPATIONS, mix, int(mask.sum()))
    gender = _pick(rng, vocab.SURVEY_GENDERS + ("",), (0.76, 0.205, 0.004, 0.003, 0.018, 0.01), n)

    effect = trusts["survey_effect"].to_numpy()[t]
    is_bme = group == 1
    frontline = np.isin(occupation, ["Ambulance (operational)"]) * 0.25

    def rate(indicator: int) -> np.ndarray:
        white, bme = cal.SURVEY[indicator][survey_year]
        return np.clip(np.where(is_bme, bme, white) / 100 + effect, 0.001, 0.999)

    frame = pd.DataFrame({
        "respondent_id": np.char.add(f"S{survey_year}-", np.char.zfill(np.arange(1, n + 1).astype(str), 7)),
        "org_code": trusts["org_code"].to_numpy()[t],
        "ethnicity": ethnicity,
        "gender": gender,
        "occupation_group": occupation,
    })
    q5, (q6_managers, q6_colleagues), (q7,), (q8,) = (questions[5][0], questions[6], questions[7], questions[8])
    frame[q5] = _harassment(rng, np.clip(rate(5) + frontline, 0, 0.99))
    p6 = rate(6)
    frame[q6_managers] = _harassment(rng, p6 * 0.5)
    frame[q6_colleagues] = _harassment(rng, (p6 - p6 * 0.5) / (1 - p6 * 0.5))
    yes = rate(7)
    dont_know = np.where(is_bme, cal.SURVEY_DONT_KNOW[1], cal.SURVEY_DONT_KNOW[0])
    draw = rng.random(n)
    frame[q7] = np.where(draw < yes, "Yes", np.where(draw < yes + dont_know * (1 - yes), "Don't know", "No"))
    frame[q8] = np.where(rng.random(n) < rate(8), "Yes", "No")
    for column in (q5, q6_managers, q6_colleagues, q7, q8):  # about 3% leave each question blank
        frame.loc[rng.random(n) < 0.03, column] = None

    folder = out / "staff_survey" / str(survey_year)
    folder.mkdir(parents=True, exist_ok=True)
    # The drops come in every format the contract allows.
    if survey_year >= 2021:
        frame.to_parquet(folder / f"nss_{survey_year}_respondents.parquet", index=False)
    elif survey_year >= 2018:
        frame.to_csv(folder / f"nss_{survey_year}_respondents.csv.gz", index=False,
                     compression={"method": "gzip", "mtime": 0})  # no time stamp: same seed, same bytes
    else:
        frame.to_csv(folder / f"nss_{survey_year}_respondents.csv", index=False)
    summary.add("staff_survey", n)


def _harassment(rng: np.random.Generator, p_experienced: np.ndarray) -> np.ndarray:
    n = len(p_experienced)
    frequency = _pick(rng, HARASSMENT_FREQUENCIES, HARASSMENT_FREQUENCY_SHARES, n)
    return np.where(rng.random(n) < p_experienced, frequency, "Never").astype(object)
