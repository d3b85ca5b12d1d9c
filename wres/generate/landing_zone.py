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
        headcount = _write_returns(out, year, open_trusts, cells, rng, summary)
        _write_survey(out, year - 1, open_trusts, headcount, rng, summary)
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
    trusts["appointment_rl_effect"] = rng.lognormal(0, cal.APPOINTMENT_TRUST_SPREAD, n)
    trusts["disciplinary_effect"] = rng.lognormal(0, 0.3, n)
    trusts["training_effect"] = rng.lognormal(0, 0.12, n)
    trusts["survey_effect"] = rng.normal(0, 0.025, n)
    for indicator, spread in cal.SURVEY_GAP_SPREAD.items():
        trusts[f"survey_gap_{indicator}"] = rng.normal(0, spread, n)
    trusts["board_effect"] = rng.lognormal(0, 0.5, n)
    # A few trusts' returns disagree with workforce statistics by more than 10%.
    trusts["return_factor"] = np.where(rng.random(n) < 0.03, rng.choice([0.82, 1.16], n),
                                       1 + rng.normal(0, 0.01, n))
    return trusts


def _scaled(trusts: pd.DataFrame, year: int, scale: float) -> pd.DataFrame:
    """Staff numbers and BME shares of the open trusts, calibrated to the regional and England targets."""
    trusts = trusts.copy()
    region = trusts["region_code"]
    weights = trusts["size_weight"] * (1 + 0.01 * (year - 2016))
    weights = weights / weights.groupby(region).transform("sum") * region.map(cal.REGION_STAFF_SHARE).fillna(0.1)
    trusts["staff"] = np.maximum(40, np.round(weights / weights.sum() * cal.TOTAL_STAFF[year] * scale)).astype(int)
    drift = cal.UNKNOWN_SHARE[year] / cal.UNKNOWN_SHARE[2022]
    trusts["unknown_share"] = np.clip(trusts["unknown_share"] * np.where(trusts["unknown_share"] < 0.1, drift, 1),
                                      0.0, 0.4)

    # Regional targets: the published regions as given, the others scaled so England adds up.
    staff = trusts["staff"].astype(float)
    region_staff = staff.groupby(region).sum()
    target = {code: share * cal.BME_SHARE[year] / cal.BME_SHARE[2022] for code, share in cal.REGION_BME_SHARE_2022.items()}
    fixed = [c for c in region_staff.index if c in cal.PUBLISHED_REGIONS]
    free = [c for c in region_staff.index if c not in cal.PUBLISHED_REGIONS]
    wanted = cal.BME_SHARE[year] * region_staff.sum() - sum(region_staff[c] * target[c] for c in fixed)
    factor = wanted / sum(region_staff[c] * target.get(c, cal.BME_SHARE[year]) for c in free)
    region_target = region.map({**{c: target.get(c, cal.BME_SHARE[year]) * factor for c in free},
                                **{c: target[c] for c in fixed}})
    # Each trust's share varies around its region's; rescale within the region, clip, repeat.
    share = region_target * trusts["bme_effect"]
    cap = np.minimum(0.85, 0.97 - trusts["unknown_share"])
    for _ in range(8):
        mean = (share * staff).groupby(region).transform("sum") / staff.groupby(region).transform("sum")
        share = np.clip(share * region_target / mean, 0.01, cap)
    trusts["bme_share"] = share
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

def _allocate(total: int, weights: np.ndarray, caps: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`total` units spread over the entries at random in proportion to `weights`, none above its cap.

    How the generator hits an England figure exactly: the England count is fixed first, and only
    its split over trusts is random.
    """
    weights = np.asarray(weights, dtype=float)
    caps = np.asarray(caps, dtype=np.int64)
    total = int(min(total, caps.sum()))
    out = np.zeros(len(weights), dtype=np.int64)
    while total > out.sum():
        room = caps - out
        w = np.where(room > 0, np.maximum(weights, 0) + 1e-12, 0)
        draw = rng.multinomial(total - out.sum(), w / w.sum())
        out += np.minimum(draw, room)
    return out


def _cell_layout(year: int) -> pd.DataFrame:
    """Every staff group x pay band: its share of staff in `year` and its BME share in 2022 (%)."""
    vsm = np.interp(year, sorted(cal.VSM_STAFF_SHARE), [cal.VSM_STAFF_SHARE[y] for y in sorted(cal.VSM_STAFF_SHARE)],
                    left=None, right=None)
    vsm += max(0, year - 2022) * (cal.VSM_STAFF_SHARE[2022] - cal.VSM_STAFF_SHARE[2018]) / 4
    vsm -= max(0, 2018 - year) * (cal.VSM_STAFF_SHARE[2022] - cal.VSM_STAFF_SHARE[2018]) / 4
    vsm_share = {"Non-clinical": vsm * cal.VSM_NON_CLINICAL_SHARE,
                 "Clinical non-medical": vsm * (1 - cal.VSM_NON_CLINICAL_SHARE)}
    rows = []
    for group, bands in vocab.pay_bands().items():
        shares = np.array(cal.BAND_SHARE[group], dtype=float)
        group_share = cal.STAFF_GROUP_SHARE[group]
        if group in vsm_share:  # VSM is the last AfC band
            shares = np.append(shares[:-1] / shares[:-1].sum() * (group_share - vsm_share[group]), vsm_share[group])
        else:
            shares = shares / shares.sum() * group_share
        for band, share, factor in zip(bands, shares, cal.BAND_BME_FACTOR[group]):
            rows.append((group, band, share, factor))
    layout = pd.DataFrame(rows, columns=["staff_group", "pay_band", "share", "bme_factor"])
    layout["bme_pct"] = _band_bme_pct_2022(_cell_layout_2022_shares(layout, year))
    return layout


def _cell_layout_2022_shares(layout: pd.DataFrame, year: int) -> pd.DataFrame:
    return layout if year == 2022 else layout.assign(share=_cell_layout(2022)["share"].to_numpy())


def _band_bme_pct_2022(layout: pd.DataFrame) -> np.ndarray:
    """The BME share (%) of every cell in 2022: published where the report gives it, else the
    band's factor scaled so that its staff group adds up to the group's published share."""
    key = list(zip(layout["staff_group"], layout["pay_band"]))
    share = dict(zip(key, layout["share"]))
    pct = dict(cal.BAND_BME_PCT_2022)
    nc5, c5 = ("Non-clinical", "Band 5"), ("Clinical non-medical", "Band 5")
    pct[nc5] = (cal.AFC_BAND_5_BME_PCT_2022 * (share[nc5] + share[c5]) - pct[c5] * share[c5]) / share[nc5]
    ncv, cv = ("Non-clinical", "VSM"), ("Clinical non-medical", "VSM")
    pct[cv] = (cal.AFC_VSM_BME_PCT_2022 * (share[ncv] + share[cv]) - pct[ncv] * share[ncv]) / share[cv]
    out = np.zeros(len(layout))
    for group, rows in layout.groupby("staff_group", sort=False):
        fixed = np.array([(group, b) in pct for b in rows["pay_band"]])
        given = np.array([pct.get((group, b), 0.0) for b in rows["pay_band"]])
        w = rows["share"].to_numpy()
        rest = cal.STAFF_GROUP_BME_PCT_2022[group] * w.sum() - (given * w)[fixed].sum()
        factor = rows["bme_factor"].to_numpy()
        scaled = factor * rest / (factor * w)[~fixed].sum()
        out[rows.index.to_numpy()] = np.where(fixed, given, scaled)
    return out


def _workforce_cells(trusts: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Headcount by trust, staff group, pay band and ethnic category code.

    The England headcount of every cell and its BME count are fixed first (the published shares
    of calibration); they are then spread over trusts in proportion to the trusts' staff and
    (fitted to each trust's BME share by iterative proportional fitting) their BME staff.
    """
    layout = _cell_layout(year)
    share = layout["share"].to_numpy() / layout["share"].sum()
    staff = trusts["staff"].to_numpy()
    n_total = int(staff.sum())
    cell_totals = np.floor(share * n_total).astype(np.int64)
    cell_totals[np.argsort(-(share * n_total - cell_totals), kind="stable")[: n_total - cell_totals.sum()]] += 1
    mix = staff[:, None] * rng.lognormal(0, 0.1, (len(trusts), len(layout)))
    counts = np.stack([_allocate(total, mix[:, c], np.full(len(trusts), total), rng)
                       for c, total in enumerate(cell_totals)], axis=1)  # trusts x cells

    unknown_share = trusts["unknown_share"].to_numpy()
    cap = (0.97 - unknown_share)[:, None] * counts
    pct = layout["bme_pct"].to_numpy() / 100 * cal.BME_SHARE[year] / cal.BME_SHARE[2022]
    column_target = pct * cell_totals
    column_target *= cal.BME_SHARE[year] * n_total / column_target.sum()
    row_target = trusts["bme_share"].to_numpy() * counts.sum(axis=1)
    row_target *= column_target.sum() / row_target.sum()
    expected = np.minimum(counts * trusts["bme_share"].to_numpy()[:, None] * pct / cal.BME_SHARE[year], cap)
    for _ in range(30):
        expected = np.minimum(expected * (column_target / np.maximum(expected.sum(axis=0), 1e-9)), cap)
        expected = np.minimum(expected * (row_target / np.maximum(expected.sum(axis=1), 1e-9))[:, None], cap)
    bme = np.stack([_allocate(round(column_target[c]), expected[:, c], np.floor(cap[:, c]).astype(np.int64), rng)
                    for c in range(len(layout))], axis=1)
    rest = counts - bme
    p_unknown = np.clip(unknown_share / np.maximum(1 - trusts["bme_share"].to_numpy(), 0.05), 0, 1)
    unknown = rng.binomial(rest, p_unknown[:, None] * np.ones(len(layout)))
    by_group = np.stack([rest - unknown, bme, unknown], axis=-1)  # trusts x cells x (White, BME, Unknown)

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


def published_headcount(cells: pd.DataFrame, workforce: pd.DataFrame | None) -> pd.DataFrame:
    """Headcount by trust and ethnicity group as the warehouse takes it for indicator 1 and the
    denominators: the WRES return from 2018 (`workforce`), workforce statistics before."""
    return _ethnicity_totals(cells if workforce is None else workforce)


def _write_returns(out: Path, year: int, trusts: pd.DataFrame, cells: pd.DataFrame,
                   rng: np.random.Generator, summary: GenerationSummary) -> pd.DataFrame:
    """Write every section of the return; the headcount by trust and group the warehouse will use."""
    trusts = trusts.set_index("org_code")
    workforce = _dcf_workforce(trusts, cells) if year >= 2018 else None
    headcount = published_headcount(cells, workforce).reindex(trusts.index, fill_value=0)
    sections = {
        "recruitment": _recruitment(year, trusts, headcount, rng),
        "disciplinary": _disciplinary(year, trusts, headcount, rng),
        "training": _training(year, trusts, headcount, rng),
        "board": _board(year, trusts, rng),
    }
    if workforce is not None:
        sections["workforce"] = workforce

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
    return headcount


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
    """Shortlisted and appointed; England's appointed BME count gives exactly RL_APPOINTMENT."""
    volume = headcount.to_numpy() * np.array([0.30, 0.42, 0.30])  # BME applicants shortlisted more often
    shortlisted = rng.poisson(volume)
    p_white = np.clip(0.21 * trusts["appointment_effect"].to_numpy(), 0.02, 0.9)
    rl = cal.RL_APPOINTMENT[year] * trusts["appointment_rl_effect"].to_numpy() \
        * rng.lognormal(0, cal.APPOINTMENT_YEAR_SPREAD, len(trusts))
    appointed = np.zeros_like(shortlisted)
    appointed[:, 0] = rng.binomial(shortlisted[:, 0], p_white)
    appointed[:, 2] = rng.binomial(shortlisted[:, 2], p_white * 0.9)
    rate_white = appointed[:, 0].sum() / shortlisted[:, 0].sum()
    bme_total = round(rate_white / cal.RL_APPOINTMENT[year] * shortlisted[:, 1].sum())
    appointed[:, 1] = _allocate(bme_total, shortlisted[:, 1] * p_white / rl, shortlisted[:, 1], rng)
    return _by_group(trusts, shortlisted=shortlisted, appointed=appointed)


def _exact_bme_events(headcount: np.ndarray, p_white: np.ndarray, rl: np.ndarray, target_rl: float,
                      rng: np.random.Generator, white_relative_to_bme: bool) -> np.ndarray:
    """Events by trust x (White, BME, Unknown): white and unknown drawn, BME allocated so that
    England's relative likelihood is exactly `target_rl`."""
    events = np.zeros_like(headcount)
    events[:, 0] = rng.binomial(headcount[:, 0], p_white)
    events[:, 2] = rng.binomial(headcount[:, 2], p_white)
    rate_white = events[:, 0].sum() / max(headcount[:, 0].sum(), 1)
    rate_bme = rate_white / target_rl if white_relative_to_bme else rate_white * target_rl
    p_bme = p_white / rl if white_relative_to_bme else p_white * rl
    events[:, 1] = _allocate(round(rate_bme * headcount[:, 1].sum()), headcount[:, 1] * p_bme, headcount[:, 1], rng)
    return events


def _disciplinary(year, trusts, headcount, rng) -> pd.DataFrame:
    p_white = np.clip(0.009 * trusts["disciplinary_effect"].to_numpy(), 0, 1)
    rl = cal.RL_DISCIPLINARY[year] * rng.lognormal(0, 0.1, len(trusts))
    entered = _exact_bme_events(headcount.to_numpy(), p_white, rl, cal.RL_DISCIPLINARY[year], rng,
                                white_relative_to_bme=False)
    return _by_group(trusts, entered_formal_disciplinary=entered)


def _training(year, trusts, headcount, rng) -> pd.DataFrame:
    p_white = np.clip(0.45 * trusts["training_effect"].to_numpy(), 0.05, 0.95)
    rl = cal.RL_TRAINING[year] * rng.lognormal(0, 0.06, len(trusts))
    accessed = _exact_bme_events(headcount.to_numpy(), p_white, rl, cal.RL_TRAINING[year], rng,
                                 white_relative_to_bme=True)
    return _by_group(trusts, accessed_training=accessed)


def _board(year, trusts, rng) -> pd.DataFrame:
    """Board members by role, voting right and ethnicity group (every cell, zeros included).

    England's BME members of each role, and London's, are fixed by the targets; the split over
    trusts is random, weighted by a lasting trust effect."""
    n = len(trusts)
    london = (trusts["region_code"] == "Y56").to_numpy()
    roles = {"Executive": cal.BOARD_BME_SHARE_EXECUTIVE, "Non-executive": cal.BOARD_BME_SHARE_NON_EXECUTIVE}
    members = {role: 3 + rng.poisson(cal.BOARD_MEAN_SIZE[role] - 3, n) for role in roles}
    bme_total = {role: round(shares[year] * members[role].sum()) for role, shares in roles.items()}
    # London's BME members over both roles: its factor times England's share of all members.
    england = sum(bme_total.values()) / sum(m.sum() for m in members.values())
    london_total = round(min(england * cal.BOARD_LONDON_FACTOR, 0.8) * sum(m[london].sum() for m in members.values()))
    london_executive = round(min(roles["Executive"][year] * cal.BOARD_LONDON_FACTOR, 0.8)
                             * members["Executive"][london].sum())
    bme_london = {"Executive": min(london_executive, bme_total["Executive"])}
    bme_london["Non-executive"] = int(np.clip(london_total - bme_london["Executive"], 0, bme_total["Non-executive"]))
    frames = []
    for role in roles:
        unknown = rng.binomial(members[role], 0.02)
        known = members[role] - unknown
        weight = members[role] * trusts["board_effect"].to_numpy()
        bme = np.zeros(n, dtype=np.int64)
        bme[london] = _allocate(bme_london[role], weight[london], known[london], rng)
        bme[~london] = _allocate(bme_total[role] - bme[london].sum(), weight[~london], known[~london], rng)
        by_group = np.stack([known - bme, bme, unknown], axis=1)
        non_voting_total = rng.binomial(members[role], 0.12 if role == "Executive" else 0.05)
        non_voting = np.stack([rng.multivariate_hypergeometric(by_group[i], non_voting_total[i]) for i in range(n)]) \
            if n else by_group * 0
        for voting, split in (("Y", by_group - non_voting), ("N", non_voting)):
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


def _write_survey(out: Path, survey_year: int, trusts: pd.DataFrame, headcount: pd.DataFrame,
                  rng: np.random.Generator, summary: GenerationSummary) -> None:
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
    # Operational ambulance staff meet more abuse from the public; the rest of their trust a
    # little less, so that the trust's figure stays where it was.
    frontline = np.isin(occupation, ["Ambulance (operational)"]) * 0.25
    frontline = frontline - (np.bincount(t, frontline, len(trusts)) / np.maximum(np.bincount(t, None, len(trusts)), 1))[t]
    weights = headcount.reindex(trusts["org_code"]).fillna(0).to_numpy()  # trusts x (White, BME, Unknown)

    def rate(indicator: int) -> np.ndarray:
        white, bme = cal.SURVEY[indicator][survey_year]
        gap = trusts[f"survey_gap_{indicator}"].to_numpy()
        gap = gap - (gap * weights[:, 1]).sum() / max(weights[:, 1].sum(), 1)  # England's gap unchanged
        return np.clip(np.where(is_bme, bme / 100 + gap[t], white / 100) + effect, 0.001, 0.999)

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
    _calibrate_survey(frame, survey_year, t, group, weights, (q5, q6_managers, q6_colleagues, q7, q8), rng)

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


def _calibrate_survey(frame: pd.DataFrame, survey_year: int, t: np.ndarray, group: np.ndarray, weights: np.ndarray,
                      columns: tuple[str, ...], rng: np.random.Generator) -> None:
    """Change a few answers in every trust, by the same share of its respondents, so that the
    England figures (each trust weighted by its headcount of the group) are the targets."""
    q5, q6_managers, q6_colleagues, q7, q8 = columns
    n_trusts = weights.shape[0]

    def state(indicator: int) -> tuple[np.ndarray, np.ndarray]:
        if indicator == 6:
            m, c = frame[q6_managers].to_numpy(), frame[q6_colleagues].to_numpy()
            answered = pd.notna(m) | pd.notna(c)
            positive = (pd.notna(m) & (m != "Never")) | (pd.notna(c) & (c != "Never"))
            return answered, positive
        values = frame[{5: q5, 7: q7, 8: q8}[indicator]].to_numpy()
        answered = pd.notna(values)
        positive = answered & ((values != "Never") if indicator == 5 else (values == "Yes"))
        return answered, positive

    for indicator in (5, 6, 7, 8):
        for g in (0, 1):
            answered, positive = state(indicator)
            mine = answered & (group == g)
            respondents = np.bincount(t[mine], minlength=n_trusts)
            positives = np.bincount(t[mine & positive], minlength=n_trusts)
            has = respondents > 0
            w = weights[:, g] * has
            if w.sum() <= 0:
                continue
            current = (w[has] * positives[has] / respondents[has]).sum() / w.sum()
            change = cal.SURVEY[indicator][survey_year][g] / 100 - current
            wanted = np.abs(change) * respondents
            flips = np.floor(wanted).astype(np.int64) + (rng.random(n_trusts) < wanted % 1)
            eligible = np.flatnonzero(mine & (~positive if change > 0 else positive))
            order = eligible[np.lexsort((rng.random(len(eligible)), t[eligible]))]
            first = np.searchsorted(t[order], np.arange(n_trusts))
            rank = np.arange(len(order)) - first[t[order]]
            chosen = order[rank < flips[t[order]]]
            if not len(chosen):
                continue
            if indicator == 6:
                if change > 0:
                    column = np.where(pd.notna(frame[q6_colleagues].to_numpy()[chosen]), q6_colleagues, q6_managers)
                    for name in (q6_managers, q6_colleagues):
                        rows = chosen[column == name]
                        frame.loc[rows, name] = _pick(rng, HARASSMENT_FREQUENCIES, HARASSMENT_FREQUENCY_SHARES, len(rows))
                else:
                    for name in (q6_managers, q6_colleagues):
                        rows = chosen[pd.notna(frame[name].to_numpy()[chosen])]
                        frame.loc[rows, name] = "Never"
            elif indicator == 5:
                frame.loc[chosen, q5] = (_pick(rng, HARASSMENT_FREQUENCIES, HARASSMENT_FREQUENCY_SHARES, len(chosen))
                                         if change > 0 else "Never")
            else:
                column = q7 if indicator == 7 else q8
                frame.loc[chosen, column] = "Yes" if change > 0 else "No"


def _harassment(rng: np.random.Generator, p_experienced: np.ndarray) -> np.ndarray:
    n = len(p_experienced)
    frequency = _pick(rng, HARASSMENT_FREQUENCIES, HARASSMENT_FREQUENCY_SHARES, n)
    return np.where(rng.random(n) < p_experienced, frequency, "Never").astype(object)
