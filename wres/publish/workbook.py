"""The statistics workbook of a release, `wres_<year>.xlsx`: the Government Analysis Function's
spreadsheet guidance through gptables (cover, contents, notes, one table per sheet).

One sheet per indicator, one row per area (England, regions, integrated care boards, trust types,
trusts), one column per measure headed in words (seeds/measure_labels.csv). A value hidden by
disclosure control is `[c]`, a value that is not defined (a zero denominator) `[z]`; the others
are numbers. Read from the staged, disclosure-controlled Parquet file, never from the warehouse.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import gptables as gpt
import pandas as pd

from wres import vocabulary
from wres.report.data import SHORT

LEVELS = {"england": "England", "region": "Region", "icb": "Integrated care board", "trust_type": "Trust type",
          "trust": "Trust"}
CONFIDENTIAL, NOT_DEFINED = "[c]", "[z]"
# XlsxWriter writes the time of writing into docProps/core.xml; a fixed one keeps the bytes of a
# release the same for the same inputs. 1980-01-01 is also the date its zip entries carry.
FIXED_CREATED = datetime(1980, 1, 1)


def workbook_name(wres_year: int) -> str:
    return f"wres_{int(wres_year)}.xlsx"


def notes(thresholds) -> dict[str, str]:
    """The notes sheet: reference -> text, the thresholds from the configuration."""
    t = thresholds
    return {
        "disclosure": f"Disclosure control: below England, a count from {t.small_count_min} to {t.small_count_max}, "
                      f"a rate, percentage or ratio computed from one, and a survey percentage from fewer than "
                      f"{t.survey_min_respondents} respondents are hidden; a trust that declares the ethnicity of "
                      f"fewer than {t.declaration_withhold:.0%} of its staff has indicators 1 to 4 and 9 withheld; "
                      f"further values are hidden where a hidden one could be worked out from them (secondary "
                      f"suppression). Hidden values are shown as {CONFIDENTIAL}.",
        "likelihood": f"A relative likelihood divides one group's rate by the other's: 1 is parity. Under the "
                      f"four-fifths rule a value below {t.four_fifths_lower:.2f} or above {t.four_fifths_upper:.2f} "
                      f"suggests an adverse impact. The 95% interval gives the range the likelihood is consistent "
                      f"with; when it leaves out 1 the difference is statistically significant.",
        "survey": "Indicators 5 to 8 come from the NHS Staff Survey named on the cover.",
        "areas": "Regions, integrated care boards and trust types add up the trusts they hold; England adds up every "
                 "trust. The CSV and Parquet files of the release hold every breakdown (staff groups and pay bands, "
                 "board roles).",
    }


def indicator_table(summary: pd.DataFrame, indicator: int) -> pd.DataFrame:
    """One row per area, one column per measure (breakdown 'all'), `[c]` and `[z]` for missing values."""
    rows = summary[(summary["indicator"] == indicator) & (summary["breakdown"] == "all")]
    labels = vocabulary.measures()
    order = [m for (i, m) in labels if i == indicator and m in set(rows["measure"])]
    cells = rows.assign(cell=[CONFIDENTIAL if hidden else NOT_DEFINED if pd.isna(v) else float(v)
                              for hidden, v in zip(rows["suppressed"].tolist(), rows["value"].tolist())])
    wide = cells.pivot(index=["level", "area_code", "area_name"], columns="measure", values="cell")
    wide = wide.reindex(columns=order).reset_index()
    level_order = {level: i for i, level in enumerate(LEVELS)}
    wide = wide.assign(_order=wide["level"].map(level_order)).sort_values(["_order", "area_name", "area_code"])
    # A measure an area does not report (no row) is not defined for it.
    wide[order] = wide[order].astype(object).where(wide[order].notna(), NOT_DEFINED)
    table = pd.DataFrame({"Area type": wide["level"].map(LEVELS), "Area code": wide["area_code"],
                          "Area name": wide["area_name"]})
    for name in order:
        table[labels[(indicator, name)].heading] = wide[name].to_numpy()
    return table.reset_index(drop=True)


def write_workbook(path: Path, summary_parquet: Path, wres_year: int, settings) -> None:
    """Write the workbook of the release whose indicator summary is `summary_parquet`."""
    con = duckdb.connect()
    try:
        summary = con.execute("select * from read_parquet(?)", [str(summary_parquet)]).df()
    finally:
        con.close()
    sheets = {}
    for indicator in sorted(set(summary["indicator"].tolist())):
        table = indicator_table(summary, int(indicator))
        if table.empty:
            continue
        title = f"Indicator {indicator}, {SHORT[int(indicator)].lower()}: every area, WRES {wres_year}"
        refs = ["$$disclosure$$"]
        if indicator in (2, 3, 4):
            refs.append("$$likelihood$$")
        if indicator in (5, 6, 7, 8):
            refs.append("$$survey$$")
        sheets[f"Indicator_{indicator}"] = gpt.GPTable(
            table=table, table_name=f"indicator_{indicator}", title=title + "".join(refs),
            scope="England: regions, integrated care boards, trust types and trusts$$areas$$",
            source="NHS trusts' WRES returns, NHS workforce statistics and the NHS Staff Survey",
            legend=[f"{CONFIDENTIAL} = confidential: hidden by disclosure control",
                    f"{NOT_DEFINED} = not applicable: not defined (no one to compute it from)"],
            index_columns={2: 0})
    cover = gpt.Cover(
        title=f"Workforce Race Equality Standard (WRES) {wres_year}: statistics tables",
        intro=[f"Period: WRES {wres_year}: the workforce and boards at 31 March {wres_year}, appointments, "
               f"disciplinary cases and training from 1 April {wres_year - 1} to 31 March {wres_year}, and the NHS "
               f"Staff Survey of {wres_year - settings.years.survey_lag}.",
               "Source: NHS trusts' WRES returns, NHS workforce statistics and the NHS Staff Survey.",
               "The nine WRES indicators compare the experience of white and black and minority ethnic (BME) "
               "staff, for England, its regions, integrated care boards, trust types and trusts."],
        about=["Disclosure control: values that could identify a person are hidden and shown as [c]; values that "
               "are not defined are shown as [z]. The Notes sheet says what is hidden and why.",
               "The same figures, with every breakdown, are in the release's CSV and Parquet files."],
        contact=[settings.contact])
    text = notes(settings.thresholds)
    notes_table = pd.DataFrame({"Note reference": list(text), "Note text": list(text.values())})
    workbook = gpt.produce_workbook(
        filename=str(path), sheets=sheets, cover=cover, notes_table=notes_table,
        # Input text is never a formula or a link: a name starting with "=" stays text.
        workbook_options={"strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": cover.title, "created": FIXED_CREATED})
    workbook.close()
