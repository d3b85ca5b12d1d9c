"""The Model Employer page: England's upper bands against the aspiration, and their trajectories."""

from __future__ import annotations

import pandas as pd

from wres import vocabulary
from wres.report import charts
from wres.report.projections import trajectory
from wres.report.text import one_in_k


def model_employer(frame: pd.DataFrame | None, year: int) -> dict | None:
    """England's upper bands against the Model Employer aspiration: a table and the trajectories."""
    if frame is None or frame.empty:
        return None
    frame = frame[(frame["wres_year"] == year) & (frame["level"] == "england")]
    if frame.empty:
        return None
    targets = sorted(int(y) for y in frame["target_year"].unique())
    band_order = {b: i for i, b in enumerate(vocabulary.pay_bands()["Non-clinical"])}
    bands = sorted(frame["pay_band"].unique(), key=lambda b: (band_order.get(b, 99), b))
    rows, records = [], []
    last = targets[-1]
    for band in bands:
        here = frame[frame["pay_band"] == band].set_index("target_year")
        first = here.iloc[0]
        line = [band, f"{first['headcount_known']:,.0f}", charts.number(first["pct_bme_band"], 1),
                charts.number(first["target_pct_bme"], 1)]
        for target_year in targets:
            r = here.loc[target_year] if target_year in here.index else None
            line.append("" if r is None else one_in_k(r))
        rows.append(line)
        r = here.loc[last] if last in here.index else first
        s = None if pd.isna(r["required_bme_share_of_recruits"]) else float(r["required_bme_share_of_recruits"])
        path = trajectory(float(first["pct_bme_band"]) / 100, float(first["target_pct_bme"]) / 100,
                          float(first["leaver_rate"]), s, str(r["status"]), last - year)
        records += [{"year": year + n, "series": band, "value": 100 * v} for n, v in enumerate(path)]
    target = float(frame["target_pct_bme"].iloc[0])
    records += [{"year": y, "series": "target: BME % of the workforce", "value": target}
                for y in range(year, last + 1)]
    chart = charts.trend(f"BME % of each band, England, if recruits are BME at the share needed by {last}",
                         pd.DataFrame(records), "% BME of the band's staff", digits=1)
    statuses = frame.drop_duplicates("pay_band").set_index("pay_band")
    return {"targets": targets, "rows": rows, "chart": chart, "last": last,
            "leaver_rate": float(frame["leaver_rate"].iloc[0]),
            "unreachable": sorted(frame.loc[frame["status"] == "unreachable", "pay_band"].unique()),
            "met": [b for b in bands if statuses.loc[b, "status"] == "already met"]}
