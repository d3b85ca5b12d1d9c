"""The landing-zone file contracts of CONTRACTS.md, as data.

A contract names a source's columns, each column's type and allowed values, the
columns that must be filled, the key that must be unique within one submission
(or file), and rules across columns. Ingest checks every file against it in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from wres import vocabulary as vocab

TEXT, INTEGER, DATE, TIMESTAMP, COMPACT_DATE = "text", "integer", "date", "timestamp", "yyyymmdd"
MAX_TEXT_LENGTH = 200  # characters of any text value: the longest ODS name or address line is far shorter


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = True
    allowed: tuple[str, ...] | None = None
    non_negative: bool = False
    max_length: int = MAX_TEXT_LENGTH


@dataclass(frozen=True)
class Rule:
    """A row-level rule across columns: `sql` must hold for every row."""

    columns: tuple[str, ...]
    sql: str
    expected: str


@dataclass(frozen=True)
class Contract:
    source: str
    raw_table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    extra_column_pattern: str | None = None  # regex of further columns allowed (survey questions)
    header: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _count(name: str) -> Column:
    return Column(name, INTEGER, non_negative=True)


_ethnicity_group = Column("ethnicity_group", allowed=vocab.ETHNICITY_GROUPS)
_submission = (Column("org_code"), Column("submission_id"), Column("submitted_at", TIMESTAMP))
_all_bands = tuple(dict.fromkeys(b for bands in vocab.pay_bands().values() for b in bands))
_band_matches_group = Rule(
    ("staff_group", "pay_band"),
    " or ".join(
        f"(staff_group = '{group}' and pay_band in ({', '.join(repr(b) for b in bands)}))"
        for group, bands in vocab.pay_bands().items()
    ),
    "a pay band of the row's staff group (Band 1..VSM for AfC groups; Consultant, "
    "Non-consultant career grade, Trainee grade or Other for Medical and dental)",
)

ETR_COLUMNS = (
    "org_code", "name", "region_code", "icb_code", "address_1", "address_2", "address_3",
    "address_4", "address_5", "postcode", "open_date", "close_date",
) + tuple(f"column_{i}" for i in range(13, 28))

ETR = Contract(
    source="reference/etr",
    raw_table="etr",
    header=False,
    columns=(Column("org_code"), Column("name"), Column("region_code", required=False),
             Column("open_date", COMPACT_DATE), Column("close_date", COMPACT_DATE, required=False))
    + tuple(Column(n, required=False) for n in ETR_COLUMNS if n not in
            ("org_code", "name", "region_code", "open_date", "close_date")),
    key=("org_code",),
)

TRUST_TYPES = Contract(
    source="reference/trust_types",
    raw_table="trust_types",
    columns=(Column("org_code"), Column("trust_type", allowed=vocab.TRUST_TYPES)),
    key=("org_code",),
)

ICB_NAMES = Contract(
    source="reference/icb_names",
    raw_table="icb_names",
    columns=(Column("icb_code"), Column("icb_name")),
    key=("icb_code",),
)

WORKFORCE_STATISTICS = Contract(
    source="workforce_statistics",
    raw_table="workforce_statistics",
    columns=(
        Column("census_date", DATE),
        Column("org_code"),
        Column("staff_group", allowed=tuple(vocab.pay_bands())),
        Column("pay_band", allowed=_all_bands),
        Column("ethnic_category", required=False),
        _count("headcount"),
    ),
    key=("org_code", "staff_group", "pay_band", "ethnic_category"),
    rules=(_band_matches_group,),
)

DCF_SECTIONS: dict[str, Contract] = {
    "workforce": Contract(
        source="dcf/workforce",
        raw_table="dcf_workforce",
        columns=_submission + (
            Column("staff_group", allowed=tuple(vocab.pay_bands())),
            Column("pay_band", allowed=_all_bands),
            _ethnicity_group,
            _count("headcount"),
        ),
        key=("org_code", "staff_group", "pay_band", "ethnicity_group"),
        rules=(_band_matches_group,),
    ),
    "recruitment": Contract(
        source="dcf/recruitment",
        raw_table="dcf_recruitment",
        columns=_submission + (_ethnicity_group, _count("shortlisted"), _count("appointed")),
        key=("org_code", "ethnicity_group"),
        rules=(Rule(("appointed", "shortlisted"),
                    "try_cast(appointed as bigint) <= try_cast(shortlisted as bigint)",
                    "appointed <= shortlisted"),),
    ),
    "disciplinary": Contract(
        source="dcf/disciplinary",
        raw_table="dcf_disciplinary",
        columns=_submission + (_ethnicity_group, _count("entered_formal_disciplinary")),
        key=("org_code", "ethnicity_group"),
    ),
    "training": Contract(
        source="dcf/training",
        raw_table="dcf_training",
        columns=_submission + (_ethnicity_group, _count("accessed_training")),
        key=("org_code", "ethnicity_group"),
    ),
    "board": Contract(
        source="dcf/board",
        raw_table="dcf_board",
        columns=_submission + (
            Column("board_role", allowed=vocab.BOARD_ROLES),
            Column("voting", allowed=("Y", "N")),
            _ethnicity_group,
            _count("members"),
        ),
        key=("org_code", "board_role", "voting", "ethnicity_group"),
    ),
}

SURVEY_QUESTION_PATTERN = r"^q[0-9]+[a-z]*$"

STAFF_SURVEY = Contract(
    source="staff_survey",
    raw_table="staff_survey_respondents",
    columns=(
        Column("respondent_id"),
        Column("org_code"),
        Column("ethnicity", required=False, allowed=tuple(vocab.survey_ethnicities())),
        Column("gender", required=False, allowed=vocab.SURVEY_GENDERS),
        Column("occupation_group", required=False, allowed=vocab.SURVEY_OCCUPATIONS),
    ),
    key=("respondent_id",),
    extra_column_pattern=SURVEY_QUESTION_PATTERN,
)

# Years covered by each DCF section: the workforce section starts later.
def dcf_sections_for(wres_year: int, dcf_workforce_from: int) -> tuple[str, ...]:
    return tuple(s for s in DCF_SECTIONS if s != "workforce" or wres_year >= dcf_workforce_from)
