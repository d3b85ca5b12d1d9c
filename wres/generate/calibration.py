"""England-level targets the demo landing zone is calibrated to.

Figures for 2016-2022 follow the WRES 2022 national report (`published_figures` holds the
figures it states, with their source, and compares a release with them); 2023 and 2024
continue the trends and are demo values only. Survey figures are by *survey* year (WRES year
minus one). The generator hits the England counts-based figures exactly (it allocates the
England total of each count across trusts) and the England survey figures to rounding.
"""

from __future__ import annotations

WRES_YEARS = tuple(range(2016, 2025))

# Staff in NHS trusts (headcount at 31 March) at --scale 1.0.
TOTAL_STAFF = {2016: 1_180_000, 2017: 1_200_000, 2018: 1_232_000, 2019: 1_270_000, 2020: 1_310_000,
               2021: 1_382_000, 2022: 1_393_000, 2023: 1_450_000, 2024: 1_500_000}
# BME share of all staff (unknown ethnicity included in the denominator).
BME_SHARE = {2016: 0.177, 2017: 0.181, 2018: 0.191, 2019: 0.197, 2020: 0.210,
             2021: 0.224, 2022: 0.242, 2023: 0.258, 2024: 0.272}
UNKNOWN_SHARE = {2016: 0.050, 2017: 0.047, 2018: 0.045, 2019: 0.043, 2020: 0.041,
                 2021: 0.040, 2022: 0.039, 2023: 0.038, 2024: 0.037}
# Regional BME share in 2022; other years scale with the national share. London and the South
# West are published; the other five regions are scaled together so that England adds up.
REGION_BME_SHARE_2022 = {"Y56": 0.499, "Y58": 0.128, "Y59": 0.205, "Y60": 0.245,
                         "Y61": 0.225, "Y62": 0.170, "Y63": 0.135}
PUBLISHED_REGIONS = ("Y56", "Y58")
# Share of the staff of NHS trusts in each region ("a sixth of the overall NHS workforce in
# England is situated in London").
REGION_STAFF_SHARE = {"Y56": 0.167, "Y58": 0.105, "Y59": 0.135, "Y60": 0.178,
                      "Y61": 0.105, "Y62": 0.150, "Y63": 0.160}

# Indicator 2: white relative to BME likelihood of appointment from shortlisting.
RL_APPOINTMENT = {2016: 1.57, 2017: 1.60, 2018: 1.45, 2019: 1.46, 2020: 1.61,
                  2021: 1.61, 2022: 1.54, 2023: 1.59, 2024: 1.53}
# Spread of the trusts' likelihoods around England's (log scale): a lasting trust effect and a
# yearly one. Sized so that at about 72% of trusts white applicants are *significantly* more
# likely to be appointed (WRES 2022 report, indicator 2), not at nearly all of them.
APPOINTMENT_TRUST_SPREAD, APPOINTMENT_YEAR_SPREAD = 0.30, 0.12
# Indicator 3: BME relative to white likelihood of entering the formal disciplinary process,
# on the year-end method. Up to 2021 the published figure was a two-year rolling one: 2021's
# year-end value is set so that the rolling 2020-2021 figure is the published 1.14.
RL_DISCIPLINARY = {2016: 1.56, 2017: 1.37, 2018: 1.22, 2019: 1.22, 2020: 1.16,
                   2021: 1.12, 2022: 1.14, 2023: 1.12, 2024: 1.10}
# Indicator 4: white relative to BME likelihood of accessing non-mandatory training.
RL_TRAINING = {2016: 1.22, 2017: 1.22, 2018: 1.15, 2019: 1.15, 2020: 1.14,
               2021: 1.12, 2022: 1.11, 2023: 1.10, 2024: 1.09}
# Indicator 9: BME share of executive and non-executive board members (2021, 2022 published).
BOARD_BME_SHARE_EXECUTIVE = {2016: 0.047, 2017: 0.051, 2018: 0.061, 2019: 0.066, 2020: 0.070,
                             2021: 0.089, 2022: 0.096, 2023: 0.102, 2024: 0.110}
BOARD_BME_SHARE_NON_EXECUTIVE = {2016: 0.080, 2017: 0.086, 2018: 0.103, 2019: 0.111, 2020: 0.118,
                                 2021: 0.162, 2022: 0.163, 2023: 0.172, 2024: 0.184}
# Mean board sizes: executives are about 47% of board members, which gives the published 13.2%
# of all members in 2022 (9.6% of executives, 16.3% of non-executives).
BOARD_MEAN_SIZE = {"Executive": 7.6, "Non-executive": 8.6}
# London boards are more diverse: in 2022 the report gives a gap of 26.1 points to London's
# workforce (49.9% BME), about 23.5% BME board members.
BOARD_LONDON_FACTOR = 1.78

# Indicators 5-8 by survey year: (white %, BME %).
SURVEY = {
    5: {2015: (28.5, 28.4), 2016: (27.8, 28.4), 2017: (27.6, 28.9), 2018: (27.5, 29.0), 2019: (27.9, 29.8),
        2020: (25.0, 27.5), 2021: (27.0, 29.2), 2022: (26.5, 28.5), 2023: (25.5, 27.5)},
    6: {2015: (24.0, 27.8), 2016: (23.8, 27.5), 2017: (23.5, 28.0), 2018: (24.0, 28.4), 2019: (23.9, 28.5),
        2020: (23.7, 28.9), 2021: (22.5, 27.6), 2022: (22.0, 27.0), 2023: (21.5, 26.5)},
    7: {2015: (61.0, 46.0), 2016: (60.5, 45.5), 2017: (60.0, 45.0), 2018: (59.5, 44.5), 2019: (59.5, 44.5),
        2020: (58.5, 44.0), 2021: (58.7, 44.4), 2022: (58.0, 44.8), 2023: (58.5, 45.5)},
    8: {2015: (6.5, 14.0), 2016: (6.6, 14.5), 2017: (6.6, 15.0), 2018: (6.7, 15.3), 2019: (6.4, 15.0),
        2020: (6.7, 16.7), 2021: (6.8, 17.0), 2022: (6.7, 16.5), 2023: (6.6, 16.0)},
}
# Share answering "Don't know" to the equal-opportunities question (white, BME).
SURVEY_DONT_KNOW = (0.24, 0.28)
SURVEY_RESPONSE_RATE = 0.43
# Spread of a trust's BME-minus-white gap around England's, by indicator (percentage points / 100).
# Sized to the report's shares of trusts where BME staff fare worse: about 72% (5), 93% (6),
# 99% (7) and all trusts (8).
SURVEY_GAP_SPREAD = {5: 0.032, 6: 0.025, 7: 0.045, 8: 0.018}

# Workforce structure: staff group shares, pay band shares within a group, and the BME share
# of each staff group and band in 2022 (other years scale with England's share).
# Published (WRES 2022 report, indicator 1): staff groups 16.3% / 24.2% / 44.3%; the bands below.
STAFF_GROUP_BME_PCT_2022 = {"Non-clinical": 16.3, "Clinical non-medical": 24.2, "Medical and dental": 44.3}
_MEDICAL_SHARE = 0.115
# The non-clinical share that makes the staff groups add up to England's 24.2%.
_NON_CLINICAL_SHARE = ((BME_SHARE[2022] * 100 - _MEDICAL_SHARE * STAFF_GROUP_BME_PCT_2022["Medical and dental"]
                        - (1 - _MEDICAL_SHARE) * STAFF_GROUP_BME_PCT_2022["Clinical non-medical"])
                       / (STAFF_GROUP_BME_PCT_2022["Non-clinical"] - STAFF_GROUP_BME_PCT_2022["Clinical non-medical"]))
STAFF_GROUP_SHARE = {"Non-clinical": _NON_CLINICAL_SHARE,
                     "Clinical non-medical": 1 - _NON_CLINICAL_SHARE - _MEDICAL_SHARE,
                     "Medical and dental": _MEDICAL_SHARE}
# Published band figures (% BME, 2022); a band not listed takes the group's shape below,
# scaled so that the group adds up to its published share.
BAND_BME_PCT_2022 = {
    ("Non-clinical", "Band 6"): 18.8, ("Non-clinical", "Band 8a"): 15.7, ("Non-clinical", "VSM"): 9.7,
    ("Clinical non-medical", "Band 5"): 36.8, ("Clinical non-medical", "Band 6"): 20.9,
    ("Clinical non-medical", "Band 7"): 16.6,
    ("Medical and dental", "Consultant"): 39.0, ("Medical and dental", "Non-consultant career grade"): 57.5,
}
# Published for AfC staff of both groups together: band 5 34.3%, VSM 10.3% (so the non-clinical
# band 5 and the clinical VSM shares follow), and 201 BME VSMs in 2018, 341 in 2022 (so the
# VSM headcount grows a little faster than the workforce).
AFC_BAND_5_BME_PCT_2022, AFC_VSM_BME_PCT_2022 = 34.3, 10.3
VSM_STAFF_SHARE = {2018: 201 / (AFC_VSM_BME_PCT_2022 / 100 * BME_SHARE[2018] / BME_SHARE[2022]) / TOTAL_STAFF[2018],
                   2022: 341 / (AFC_VSM_BME_PCT_2022 / 100) / TOTAL_STAFF[2022]}
VSM_NON_CLINICAL_SHARE = 0.78
AFC_BANDS = ("Band 1", "Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7",
             "Band 8a", "Band 8b", "Band 8c", "Band 8d", "Band 9", "VSM")
BAND_SHARE = {
    "Non-clinical": (0.03, 0.25, 0.22, 0.17, 0.10, 0.08, 0.06, 0.04, 0.02, 0.012, 0.006, 0.003, 0.003),
    "Clinical non-medical": (0.001, 0.08, 0.14, 0.07, 0.27, 0.25, 0.14, 0.04, 0.012, 0.005, 0.002, 0.001, 0.0005),
    "Medical and dental": (0.40, 0.12, 0.44, 0.04),
}
BAND_BME_FACTOR = {
    "Non-clinical": (1.0, 1.1, 1.08, 1.1, 1.12, 1.15, 1.05, 0.96, 0.85, 0.75, 0.7, 0.62, 0.6),
    "Clinical non-medical": (0.9, 0.95, 0.95, 1.0, 1.52, 0.86, 0.68, 0.55, 0.48, 0.42, 0.4, 0.4, 0.4),
    "Medical and dental": (0.88, 1.3, 1.05, 1.0),
}
TRUST_TYPE_SIZE = {"Acute": 6500, "Acute specialist": 3200, "Mental health and learning disability": 3800,
                   "Community": 2600, "Ambulance": 4200, "Combined": 5200}
