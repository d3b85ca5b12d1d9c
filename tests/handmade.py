"""A tiny landing zone written by hand, whose indicator values the tests work out by hand.

Three trusts:
- RAA (London, Acute): a revised recruitment return and a revised workforce return.
- RBB (South West, Acute): its 2018 return total (80) differs from workforce statistics
  (100) by 20%: source_mismatch; BME counts of 1-7.
- RCC (South West, Community): opens 1 April 2017, so it is not open at 31 March 2017;
  no workforce return in 2018 (falls back to workforce statistics); 10 of its 15 staff
  declare their ethnicity (66.7% < 80%): withheld.
WRES years 2017 (indicator 1 from workforce statistics) and 2018 (from the return).
"""

from __future__ import annotations

import csv
from pathlib import Path

TRUSTS = [
    # org_code, name, region, open date
    ("RAA", "ALPHA HOSPITALS NHS FOUNDATION TRUST", "Y56", "19900401"),
    ("RBB", "BETA HOSPITAL NHS TRUST", "Y58", "19900401"),
    ("RCC", "GAMMA COMMUNITY NHS TRUST", "Y58", "20170401"),
    ("W01", "A WELSH NHS TRUST", "", "19900401"),  # no region: not an English trust
]
TRUST_TYPES = [("RAA", "Acute"), ("RBB", "Acute"), ("RCC", "Community")]
# Integrated care boards (ODS column 4): RAA in North Central London, RBB and RCC in Devon.
# Only QMJ is named in reference/icb_names.csv: QJK is shown by its code.
ICBS = {"RAA": "QMJ", "RBB": "QJK", "RCC": "QJK"}
ICB_NAMES = [("QMJ", "NHS North Central London Integrated Care Board")]

WORKFORCE_STATISTICS = {
    2017: [
        ("RAA", "Non-clinical", "Band 2", "A", 35), ("RAA", "Non-clinical", "Band 2", "H", 25),
        ("RAA", "Non-clinical", "Band 2", "Z", 5),
        ("RBB", "Non-clinical", "Band 2", "A", 80), ("RBB", "Non-clinical", "Band 2", "M", 8),
        ("RBB", "Non-clinical", "Band 2", "X7", 2),  # not a Data Dictionary code: Unknown
    ],
    2018: [
        ("RAA", "Non-clinical", "Band 2", "A", 40), ("RAA", "Non-clinical", "Band 2", "H", 30),
        ("RAA", "Non-clinical", "Band 2", "Z", 5), ("RAA", "Clinical non-medical", "Band 5", "B", 50),
        ("RAA", "Clinical non-medical", "Band 5", "N", 60), ("RAA", "Clinical non-medical", "Band 5", "99", 10),
        ("RAA", "Clinical non-medical", "Band 6", "B", 30), ("RAA", "Clinical non-medical", "Band 6", "N", 12),
        ("RAA", "Clinical non-medical", "Band 6", "Z", 2), ("RAA", "Clinical non-medical", "Band 8a", "A", 10),
        ("RAA", "Clinical non-medical", "Band 8a", "H", 2),
        ("RBB", "Non-clinical", "Band 2", "A", 85), ("RBB", "Non-clinical", "Band 2", "M", 10),
        ("RBB", "Non-clinical", "Band 2", "Z", 5),
        ("RCC", "Non-clinical", "Band 3", "C", 10), ("RCC", "Non-clinical", "Band 3", "", 5),
    ],
}

# (org, submission_id, submitted_at, rows)
DCF = {
    2018: {
        "workforce": [
            ("RAA", "S18-RAA-1", "2018-07-01T10:00:00", [
                ("Non-clinical", "Band 2", "White", 400), ("Non-clinical", "Band 2", "BME", 30),
                ("Non-clinical", "Band 2", "Unknown", 5)]),
            ("RAA", "S18-RAA-2", "2018-08-15T10:00:00", [
                ("Non-clinical", "Band 2", "White", 40), ("Non-clinical", "Band 2", "BME", 30),
                ("Non-clinical", "Band 2", "Unknown", 5), ("Clinical non-medical", "Band 5", "White", 50),
                ("Clinical non-medical", "Band 5", "BME", 60), ("Clinical non-medical", "Band 5", "Unknown", 10),
                ("Clinical non-medical", "Band 6", "White", 30), ("Clinical non-medical", "Band 6", "BME", 12),
                ("Clinical non-medical", "Band 6", "Unknown", 2), ("Clinical non-medical", "Band 8a", "White", 10),
                ("Clinical non-medical", "Band 8a", "BME", 2), ("Clinical non-medical", "Band 8a", "Unknown", 0)]),
            ("RBB", "S18-RBB-1", "2018-07-02T10:00:00", [
                ("Non-clinical", "Band 2", "White", 70), ("Non-clinical", "Band 2", "BME", 6),
                ("Non-clinical", "Band 2", "Unknown", 4)]),
        ],
        "recruitment": [
            ("RAA", "S18-RAA-1", "2018-07-01T10:00:00", [("White", 200, 40), ("BME", 150, 30), ("Unknown", 5, 1)]),
            ("RAA", "S18-RAA-2", "2018-08-15T10:00:00", [("White", 200, 40), ("BME", 150, 15), ("Unknown", 5, 1)]),
            ("RBB", "S18-RBB-1", "2018-07-02T10:00:00", [("White", 100, 30), ("BME", 10, 5), ("Unknown", 0, 0)]),
            ("RCC", "S18-RCC-1", "2018-07-03T10:00:00", [("White", 50, 10), ("BME", 20, 0), ("Unknown", 0, 0)]),
        ],
        "disciplinary": [
            ("RAA", "S18-RAA-1", "2018-07-01T10:00:00", [("White", 2), ("BME", 4), ("Unknown", 0)]),
            ("RBB", "S18-RBB-1", "2018-07-02T10:00:00", [("White", 1), ("BME", 0), ("Unknown", 0)]),
            ("RCC", "S18-RCC-1", "2018-07-03T10:00:00", [("White", 0), ("BME", 0), ("Unknown", 0)]),
        ],
        "training": [
            ("RAA", "S18-RAA-1", "2018-07-01T10:00:00", [("White", 60), ("BME", 45), ("Unknown", 5)]),
            ("RBB", "S18-RBB-1", "2018-07-02T10:00:00", [("White", 35), ("BME", 3), ("Unknown", 1)]),
            ("RCC", "S18-RCC-1", "2018-07-03T10:00:00", [("White", 5), ("BME", 0), ("Unknown", 1)]),
        ],
        "board": [
            ("RAA", "S18-RAA-1", "2018-07-01T10:00:00", [
                ("Executive", "Y", "White", 5), ("Executive", "Y", "BME", 2), ("Executive", "N", "White", 1),
                ("Non-executive", "Y", "White", 4), ("Non-executive", "Y", "BME", 3)]),
            ("RBB", "S18-RBB-1", "2018-07-02T10:00:00", [
                ("Executive", "Y", "White", 6), ("Non-executive", "Y", "White", 5), ("Non-executive", "Y", "BME", 1)]),
            ("RCC", "S18-RCC-1", "2018-07-03T10:00:00", [
                ("Executive", "Y", "White", 4), ("Non-executive", "Y", "White", 4)]),
        ],
    },
    2017: {
        "recruitment": [
            ("RAA", "S17-RAA-1", "2017-07-01T10:00:00", [("White", 100, 20), ("BME", 80, 8), ("Unknown", 0, 0)]),
            ("RBB", "S17-RBB-1", "2017-07-01T10:00:00", [("White", 90, 18), ("BME", 9, 1), ("Unknown", 1, 0)]),
        ],
        "disciplinary": [
            ("RAA", "S17-RAA-1", "2017-07-01T10:00:00", [("White", 1), ("BME", 2), ("Unknown", 0)]),
            ("RBB", "S17-RBB-1", "2017-07-01T10:00:00", [("White", 2), ("BME", 0), ("Unknown", 0)]),
        ],
        "training": [
            ("RAA", "S17-RAA-1", "2017-07-01T10:00:00", [("White", 20), ("BME", 10), ("Unknown", 1)]),
            ("RBB", "S17-RBB-1", "2017-07-01T10:00:00", [("White", 40), ("BME", 4), ("Unknown", 0)]),
        ],
        "board": [
            ("RAA", "S17-RAA-1", "2017-07-01T10:00:00", [("Executive", "Y", "White", 6), ("Non-executive", "Y", "BME", 2)]),
            ("RBB", "S17-RBB-1", "2017-07-01T10:00:00", [("Executive", "Y", "White", 6), ("Non-executive", "Y", "White", 5)]),
        ],
    },
}

DCF_COLUMNS = {
    "workforce": ["staff_group", "pay_band", "ethnicity_group", "headcount"],
    "recruitment": ["ethnicity_group", "shortlisted", "appointed"],
    "disciplinary": ["ethnicity_group", "entered_formal_disciplinary"],
    "training": ["ethnicity_group", "accessed_training"],
    "board": ["board_role", "voting", "ethnicity_group", "members"],
}


def write_csv(path: Path, header: list[str], rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_etr(path: Path, trusts=TRUSTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for code, name, region, opened in trusts:
            writer.writerow([code, name, region, ICBS.get(code, ""), "1 HIGH STREET", "", "", "TOWN", "", "AB1 2CD",
                             opened, ""] + [""] * 15)


def write_handmade_landing_zone(root: Path) -> Path:
    write_etr(root / "reference" / "etr.csv")
    write_csv(root / "reference" / "trust_types.csv", ["org_code", "trust_type"], TRUST_TYPES)
    write_csv(root / "reference" / "icb_names.csv", ["icb_code", "icb_name"], ICB_NAMES)
    for year, rows in WORKFORCE_STATISTICS.items():
        write_csv(root / "workforce_statistics" / str(year) / "workforce.csv",
                  ["census_date", "org_code", "staff_group", "pay_band", "ethnic_category", "headcount"],
                  [(f"{year}-03-31", *row) for row in rows])
    for year, sections in DCF.items():
        for section, submissions in sections.items():
            for org, submission_id, submitted_at, rows in submissions:
                write_csv(root / "dcf" / str(year) / f"{section}__{submission_id}.csv",
                          ["org_code", "submission_id", "submitted_at", *DCF_COLUMNS[section]],
                          [(org, submission_id, submitted_at, *row) for row in rows])
    write_handmade_survey(root)
    return root


# The 2017 staff survey (feeds WRES 2018): question columns of the 2015-2017 questionnaire.
# Indicator 5: q22a; 6: q22b (managers) or q22c (colleagues); 7: q21; 8: q17b. "" = blank.
SURVEY_QUESTIONS = ("q22a", "q22b", "q22c", "q21", "q17b")
SURVEY_2017 = [
    # org, labels, genders, occupations, answers per question
    ("RAA", ["White - English, Welsh, Scottish, Northern Irish or British"] * 10 + ["White - Gypsy or Irish Traveller"] * 2,
     ["Female"] * 8 + ["Male"] * 4, ["Registered Nurses and Midwives"] * 6 + ["General Management"] * 6, {
         "q22a": ["1-2"] * 3 + ["Never"] * 8 + [""],
         "q22b": ["3-5", "3-5", "Never", "3-5"] + ["Never"] * 7 + [""],
         "q22c": ["Never", "Never", "6-10", "1-2"] + ["Never"] * 7 + [""],
         "q21": ["Yes"] * 6 + ["No"] * 3 + ["Don't know"] * 2 + [""],
         "q17b": ["Yes"] + ["No"] * 11}),
    ("RAA", ["Black or Black British - African"] * 6 + ["Asian or Asian British - Indian"] * 4 + ["Arab"],
     ["Female"] * 7 + ["Male"] * 4, ["Registered Nurses and Midwives"] * 5 + ["General Management"] * 6, {
         "q22a": ["1-2"] * 4 + ["Never"] * 7,
         "q22b": ["1-2"] * 3 + ["Never"] * 8,
         "q22c": ["Never"] * 3 + ["More than 10"] * 2 + ["Never"] * 6,
         "q21": ["Yes"] * 3 + ["No"] * 5 + ["Don't know"] * 3,
         "q17b": ["Yes"] * 3 + ["No"] * 8}),
    ("RAA", ["Prefer not to say", "Prefer not to say", ""], ["Female"] * 3, ["Other"] * 3, {
         "q22a": ["1-2"] * 3, "q22b": ["1-2"] * 3, "q22c": ["Never"] * 3, "q21": ["Yes"] * 3, "q17b": ["Yes"] * 3}),
    ("RBB", ["White - Irish"] * 15, ["Male"] * 15, ["Allied Health Professionals"] * 15, {
         "q22a": ["1-2"] * 5 + ["Never"] * 10,
         "q22b": ["1-2"] * 3 + ["Never"] * 12,
         "q22c": ["Never"] * 15,
         "q21": ["Yes"] * 10 + ["No"] * 5,
         "q17b": ["No"] * 15}),
    ("RBB", ["Black or Black British - Caribbean"] * 4, ["Female"] * 4, ["Allied Health Professionals"] * 4, {
         "q22a": ["1-2"] * 2 + ["Never"] * 2,
         "q22b": ["1-2"] + ["Never"] * 3,
         "q22c": ["Never"] * 4,
         "q21": ["Yes"] + ["No"] * 3,
         "q17b": ["Yes"] + ["No"] * 3}),
]


def survey_rows():
    rows, number = [], 0
    for org, labels, genders, occupations, answers in SURVEY_2017:
        for i, label in enumerate(labels):
            number += 1
            rows.append([f"R{number:03d}", org, label, genders[i], occupations[i],
                         *(answers[q][i] for q in SURVEY_QUESTIONS)])
    return rows


def write_handmade_survey(root: Path) -> None:
    write_csv(root / "staff_survey" / "2017" / "nss_2017.csv",
              ["respondent_id", "org_code", "ethnicity", "gender", "occupation_group", *SURVEY_QUESTIONS],
              survey_rows())
