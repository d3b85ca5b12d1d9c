"""NHS trusts from the ODS `etr` extract: which are open at each 31 March, and their type."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

VENDORED_ETR = Path(__file__).with_name("ods_etr.csv")

# Name patterns, first match wins. The generated trust_types.csv is meant to be edited by hand.
_TYPE_PATTERNS = (
    ("Ambulance", r"AMBULANCE"),
    ("Acute specialist", r"CHILDREN|WOMEN'S|CANCER|CHRISTIE|MARSDEN|WALTON|ORTHOPAEDIC|BROMPTON|"
                         r"MOORFIELDS|PAPWORTH|HEART|RHEUMATIC|CLATTERBRIDGE|ROYAL NATIONAL|EYE"),
    ("Mental health and learning disability", r"MENTAL HEALTH|PARTNERSHIP|LEARNING DISABILIT|TAVISTOCK|"
                                             r"OXLEAS|PENNINE CARE|CALDERSTONES|HEALTHCARE NHS FOUNDATION|"
                                             r"OXFORD HEALTH|COMBINED HEALTHCARE|WEST LONDON NHS|"
                                             r"NORTH EAST LONDON|NORTH LONDON NHS|PSYCHIATRIC|BOROUGHS"),
    ("Community", r"COMMUNITY|SOLENT|CARE SERVICES|BRIDGEWATER|LIVERPOOL AND SOUTH"),
    ("Combined", r"HEALTH AND CARE|INTEGRATED CARE|HEALTHCARE NHS TRUST$|CORNWALL|LINCOLNSHIRE COMMUNITY"),
)


def read_etr(path: Path | str = VENDORED_ETR) -> pd.DataFrame:
    """The English trusts of an ODS etr file (no header, 27 quoted columns)."""
    frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, usecols=[0, 1, 2, 10, 11])
    frame.columns = ["org_code", "name", "region_code", "open_date", "close_date"]
    frame = frame[frame["region_code"] != ""].copy()
    frame["open_date"] = pd.to_datetime(frame["open_date"], format="%Y%m%d")
    frame["close_date"] = pd.to_datetime(frame["close_date"].replace("", None), format="%Y%m%d")
    return frame.sort_values("org_code").reset_index(drop=True)


def open_at_census(trusts: pd.DataFrame, wres_year: int) -> pd.DataFrame:
    """Trusts open at 31 March of the WRES year."""
    census = pd.Timestamp(date(wres_year, 3, 31))
    is_open = (trusts["open_date"] <= census) & (trusts["close_date"].isna() | (trusts["close_date"] > census))
    return trusts[is_open]


def trust_type(name: str) -> str:
    for kind, pattern in _TYPE_PATTERNS:
        if re.search(pattern, name):
            return kind
    return "Acute"
