"""Reading landing files into DuckDB staging tables, every value as text, and checking them.

Files are only read: a check that fails names the file, the column and the line, and
says what was expected. Values are checked in SQL over whole files; the line of an
offending row is looked up afterwards in that one file alone.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass

import duckdb
import pyarrow.parquet as pq

from wres import vocabulary as vocab
from wres.ingest import contracts as c
from wres.ingest.landing import LandingFile
from wres.text import excerpt, printable

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    column: str | None = None
    lines: tuple[int, ...] = ()
    count: int = 1

    def __str__(self) -> str:
        where = [printable(self.file)]
        if self.column:
            where.append(f"column '{excerpt(self.column)}'")
        if self.lines:
            shown = ", ".join(str(n) for n in self.lines)
            more = f" (and {self.count - len(self.lines)} more rows)" if self.count > len(self.lines) else ""
            where.append(f"line {shown}{more}" if len(self.lines) == 1 else f"lines {shown}{more}")
        return f"{': '.join(where)}: {self.message}"


class ContractError(Exception):
    """One or more landing files break their contract."""

    def __init__(self, problems: list[Problem | str], context: str = ""):
        # One line each, whatever a file name or a value holds: a newline would print a fake line.
        self.problems = [printable(p) for p in problems]
        lead = f"{context}: " if context else ""
        shown = self.problems[:25]
        more = f"\n  ... and {len(self.problems) - 25} more" if len(self.problems) > 25 else ""
        super().__init__(f"{lead}{len(self.problems)} contract problem(s):\n  " + "\n  ".join(shown) + more)


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


GZIP_MAGIC, ZIP_MAGIC = b"\x1f\x8b", b"PK\x03\x04"


# --- headers --------------------------------------------------------------------------------

def read_header(item: LandingFile) -> list[str]:
    """The column names of a file (the contract's names for a header-less file)."""
    path = item.path
    if item.is_parquet:
        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:  # pyarrow raises several types for a broken file
            raise ValueError(f"not a readable Parquet file ({exc})") from exc
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first = handle.readline()
    except (OSError, EOFError) as exc:
        raise ValueError(f"cannot be read ({exc})") from exc
    if not first.strip():
        raise ValueError("is empty; expected a header row naming the columns" if item.contract.header else
                         "is empty; expected the rows of an ODS etr extract")
    if first.startswith(GZIP_MAGIC):
        raise ValueError("is gzip-compressed, but its name does not end in .gz; decompress it (gunzip) or, "
                         "for a survey file, name it .csv.gz")
    if first.startswith(ZIP_MAGIC):
        raise ValueError("is a ZIP archive (or an Excel workbook), not a CSV file; extract the CSV from it, "
                         "or save the sheet as CSV UTF-8")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"line 1 is not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8") from exc
    if path.name.endswith(".gz") and first.startswith(GZIP_MAGIC):
        raise ValueError("is compressed twice (gzip inside gzip); compress it once")
    row = next(csv.reader(io.StringIO(text)))
    if not item.contract.header:
        return list(c.ETR_COLUMNS) if len(row) == len(c.ETR_COLUMNS) else row
    return [name.strip() for name in row]


def _names(names: list[str], shown: int = 10) -> str:
    """Column names read from a file, each a bounded excerpt, at most `shown` of them."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(excerpt(n) for n in names[:shown]) + more


def _other_delimiter(header: list[str], contract: c.Contract) -> str | None:
    """';' or a tab when the header is one field that splits on it into the contract's column names."""
    if len(header) != 1:
        return None
    for delimiter in (";", "\t", "|"):
        names = [n.strip().strip('"') for n in header[0].split(delimiter)]
        if len(names) > 1 and set(contract.names) & set(names):
            return "tab" if delimiter == "\t" else delimiter
    return None


def check_header(item: LandingFile, header: list[str]) -> list[Problem]:
    contract, name = item.contract, str(item.path)
    if not contract.header:
        if len(header) != len(c.ETR_COLUMNS):
            return [Problem(name, f"line 1 has {len(header)} fields; expected the {len(c.ETR_COLUMNS)} "
                                  f"quoted columns of an ODS etr extract (no header row)")]
        return []
    problems = []
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(Problem(name, f"columns named twice in the header: {_names(duplicated)}"))
    delimiter = _other_delimiter(header, contract)
    if delimiter:
        return [Problem(name, f"line 1 is one column '{excerpt(header[0])}': the fields seem separated by "
                              f"'{delimiter}', not commas (Excel writes its CSV with '{delimiter}' in some "
                              f"locales); save the file as comma-separated CSV UTF-8")]
    missing = [n for n in contract.names if n not in header]
    if missing:
        problems.append(Problem(name, f"missing column(s) {', '.join(missing)}; expected "
                                      f"{', '.join(contract.names)} (any order)"))
    pattern = re.compile(contract.extra_column_pattern) if contract.extra_column_pattern else None
    extra = [h for h in header if h not in contract.names and not (pattern and pattern.match(h))]
    if extra:
        hint = " or survey question columns (q<number><letters>)" if pattern else ""
        problems.append(Problem(name, f"unexpected column(s) {_names(extra)}; the contract allows "
                                      f"{', '.join(contract.names)}{hint}"))
    return problems


# --- scans ----------------------------------------------------------------------------------

def _read_csv_call(items: list[LandingFile], header: list[str]) -> str:
    paths = "[" + ", ".join(_sql_str(i.path) for i in items) + "]"
    columns = "{" + ", ".join(f"{_sql_str(h)}: 'VARCHAR'" for h in header) + "}"
    has_header = "true" if items[0].contract.header else "false"
    return (f"read_csv({paths}, header = {has_header}, columns = {columns}, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', filename = true, strict_mode = true)")


def scan_sql(items: list[LandingFile], header: list[str]) -> str:
    """A DuckDB subquery reading files that share one header: every value as text, plus _file."""
    if items[0].is_parquet:
        paths = "[" + ", ".join(_sql_str(i.path) for i in items) + "]"
        columns = ", ".join(f"cast({_ident(h)} as varchar) as {_ident(h)}" for h in header)
        return f"(select {columns}, filename as _file from read_parquet({paths}, filename = true))"
    return f"(select * rename (filename as _file) from {_read_csv_call(items, header)})"


def _numbered_scan_sql(item: LandingFile, header: list[str]) -> tuple[str, str]:
    """A scan of one file with each row's line number (or row number for Parquet)."""
    if item.is_parquet:
        columns = ", ".join(f"cast({_ident(h)} as varchar) as {_ident(h)}" for h in header)
        return (f"(select {columns}, file_row_number + 1 as _line "
                f"from read_parquet({_sql_str(item.path)}, file_row_number = true))", "row")
    first_data_line = 2 if item.contract.header else 1
    return (f"(select *, ordinality + {first_data_line - 1} as _line "
            f"from {_read_csv_call([item], header)} with ordinality)", "line")


def stage(con: duckdb.DuckDBPyConnection, table: str, groups: dict[tuple[str, ...], list[LandingFile]]) -> list[Problem]:
    """Read every file into the temporary table `table`: the union of their columns as text, plus _file."""
    problems: list[Problem] = []
    columns = list(dict.fromkeys(h for header in groups for h in header))
    con.execute(f"drop table if exists {table}")
    con.execute(f"create temp table {table} ({', '.join(f'{_ident(h)} varchar' for h in columns)}, _file varchar)")
    for header, items in groups.items():
        try:
            con.execute(f"insert into {table} by name select * from {scan_sql(items, list(header))}")
        except duckdb.Error:
            for item in items:  # read them one by one to name the file that cannot be read
                try:
                    con.execute(f"insert into {table} by name select * from {scan_sql([item], list(header))}")
                except duckdb.Error as exc:
                    encoding = None if item.is_parquet else utf8_problem(item)
                    kind = "Parquet" if item.is_parquet else "UTF-8 CSV"
                    problems.append(encoding or Problem(str(item.path), f"cannot be read as {kind}: {_first_line(exc)}"))
            if not problems:
                raise
    return problems


def utf8_problem(item: LandingFile) -> Problem | None:
    """The first byte of a text file that is not UTF-8, with its line and column, or None."""
    opener = gzip.open if item.path.name.endswith(".gz") else open
    try:
        with opener(item.path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError):
        return None  # not an encoding problem: DuckDB's own message says what is wrong
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        header = next(csv.reader(io.StringIO(data[:data.find(b"\n")].decode("utf-8", "replace"))), [])
        prefix = data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")
        field = next(csv.reader(io.StringIO(prefix)), [""]) if prefix else [""]
        column = header[len(field) - 1].strip() if item.contract.header and 0 < len(field) <= len(header) else None
        return Problem(str(item.path), f"byte 0x{data[exc.start]:02X} at byte offset {exc.start} is not UTF-8 "
                                       f"({exc.reason}); save the file as UTF-8 (for example "
                                       f"Excel's CSV UTF-8), not Windows-1252 or Latin-1", column, (line,))


def _first_line(exc: Exception) -> str:
    """DuckDB's message, first line, bounded: it may quote the file's line."""
    return printable(str(exc).strip().splitlines()[0], 200)


# --- value checks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    column: str | None
    predicate: str  # SQL true for a *bad* row
    message: str  # may use {value}


WHOLE_NUMBER = "-?[0-9]+"  # digits only: no decimal point, exponent, hex, sign or thousands separator


def is_count_sql(column: str, max_count: int) -> str:
    """SQL true when `column` holds a whole decimal number from 0 to `max_count`."""
    filled = f"trim({_ident(column)})"
    return (f"coalesce(regexp_full_match({filled}, '[0-9]+') "
            f"and try_cast({filled} as bigint) <= {int(max_count)}, false)")


def column_checks(contract: c.Contract, wres_year: int | None, survey_questions: dict | None,
                  max_count: int, reference_loaded: bool = True) -> list[Check]:
    """The checks of a contract's columns. Org codes are checked against the ODS reference only when
    it holds trusts (`reference_loaded`): else every row would fail, and one problem says so instead."""
    checks: list[Check] = []
    for col in contract.columns:
        q = _ident(col.name)
        filled = f"nullif(trim({q}), '')"
        if col.required:
            checks.append(Check(col.name, f"{filled} is null", "is empty; expected a value"))
        if col.type == c.TEXT and col.allowed is None:
            checks.append(Check(col.name, f"length({q}) > {int(col.max_length)}",
                                f"'{{value}}' is longer than {col.max_length} characters, the contract's "
                                f"maximum for a text value"))
        if col.type == c.INTEGER:
            checks.append(Check(col.name, f"{filled} is not null and not regexp_full_match({filled}, '{WHOLE_NUMBER}')",
                                "'{value}' is not a whole number; expected digits only (no decimal point, "
                                "exponent, hexadecimal or thousands separator)"))
            if col.non_negative:
                checks.append(Check(col.name, f"regexp_full_match({filled}, '-[0-9]+')",
                                    "'{value}' is negative; expected a count >= 0"))
            checks.append(Check(col.name, f"regexp_full_match({filled}, '[0-9]+') and not {is_count_sql(col.name, max_count)}",
                                f"'{{value}}' is larger than the plausible maximum of {max_count:,} "
                                f"(thresholds.max_count in the configuration)"))
        elif col.type == c.DATE:
            checks.append(Check(col.name, f"{filled} is not null and try_cast({filled} as date) is null",
                                "'{value}' is not a date; expected YYYY-MM-DD"))
        elif col.type == c.COMPACT_DATE:
            checks.append(Check(col.name, f"{filled} is not null and try_strptime({filled}, '%Y%m%d') is null",
                                "'{value}' is not a date; expected YYYYMMDD"))
        elif col.type == c.TIMESTAMP:
            checks.append(Check(col.name, f"{filled} is not null and try_cast({filled} as timestamp) is null",
                                "'{value}' is not a timestamp; expected ISO 8601 (YYYY-MM-DDTHH:MM:SS)"))
        if col.allowed is not None:
            allowed = ", ".join(_sql_str(v) for v in col.allowed)
            shown = ", ".join(col.allowed) if len(col.allowed) <= 14 else f"{', '.join(col.allowed[:14])}, ..."
            checks.append(Check(col.name, f"{filled} is not null and {q} not in ({allowed})",
                                f"'{{value}}' is not an allowed value; expected one of {shown}"))
    for rule in contract.rules:
        # A rule is only checked on rows whose values parse: a bad value is reported once, above.
        guards = " and ".join(
            is_count_sql(n, max_count) if contract.column(n).type == c.INTEGER
            else f"nullif(trim({_ident(n)}), '') is not null" for n in rule.columns)
        checks.append(Check(rule.columns[0], f"{guards} and not coalesce(({rule.sql}), false)",
                            f"breaks the rule: expected {rule.expected}"))
    if contract is c.WORKFORCE_STATISTICS and wres_year is not None:
        checks.append(Check("census_date", f"try_cast(census_date as date) <> date '{wres_year}-03-31'",
                            f"'{{value}}' is not the census date of WRES year {wres_year}; expected {wres_year}-03-31"))
    if contract.source.startswith("dcf/") and wres_year is not None:
        checks.append(Check("submitted_at", f"try_cast(submitted_at as timestamp) < timestamp '{wres_year}-04-01'",
                            f"'{{value}}' is before the WRES {wres_year} census date ({wres_year}-03-31): "
                            f"a return submitted then belongs to an earlier year; check the folder dcf/<YYYY>/"))
    if wres_year is not None and "org_code" in contract.names and reference_loaded:
        checks.append(Check("org_code", f"nullif(trim(org_code), '') is not null and org_code not in "
                                        f"(select org_code from raw.etr where nullif(region_code, '') is not null)",
                            "'{value}' is not an NHS trust in England in the ODS reference (reference/etr.csv, "
                            "rows with a region code); expected the ODS code of an English NHS trust"))
    if contract is c.STAFF_SURVEY and survey_questions:
        for indicator, columns in survey_questions.items():
            answers = vocab.survey_answers()[vocab.answer_kind_by_indicator()[indicator]]
            allowed = ", ".join(_sql_str(a) for a in answers)
            for column in columns:
                checks.append(Check(column, f"nullif(trim({_ident(column)}), '') is not null and "
                                            f"{_ident(column)} not in ({allowed})",
                                    f"'{{value}}' is not an answer of indicator {indicator}'s question; "
                                    f"expected one of {', '.join(answers)} or blank"))
    return checks


def run_checks(con: duckdb.DuckDBPyConnection, table: str, checks: list[Check],
               headers: dict[str, tuple[list[str], LandingFile]]) -> list[Problem]:
    """Problems found by `checks` in the staged table, with line numbers looked up per file."""
    problems = []
    columns = {r[0] for r in con.execute(f"describe {table}").fetchall()}
    for check in checks:
        if check.column and check.column not in columns:
            continue
        offenders = con.execute(
            f"select _file, count(*) from {table} where {check.predicate} group by _file order by _file"
        ).fetchall()
        for file, count in offenders:
            header, item = headers[file]
            scan, unit = _numbered_scan_sql(item, header)
            value = _ident(check.column) if check.column else "null"
            rows = con.execute(f"select _line, {value} from {scan} where {check.predicate} "
                               f"order by _line limit {MAX_EXAMPLES}").fetchall()
            example = rows[0][1] if rows else None
            message = check.message.format(value=None if example is None else excerpt(example))
            if unit == "row":
                message = f"{message} (Parquet row numbers)"
            problems.append(Problem(file, message, check.column, tuple(r[0] for r in rows), count))
    return problems


def duplicate_key_problems(con: duckdb.DuckDBPyConnection, table: str, contract: c.Contract) -> list[Problem]:
    """Rows that repeat the contract key: within one submission for a WRES return, across every
    file of the year for the other sources (a file copied under a second name counts twice)."""
    if not contract.key:
        return []
    key = ", ".join(_ident(k) for k in contract.key)
    shown = " || ', ' || ".join(f"'{k}=' || coalesce({_ident(k)}, '')" for k in contract.key)
    per_submission = contract.source.startswith("dcf/")
    group = f"_file, {key}" if per_submission else key
    rows = con.execute(f"""
        with repeated as (
            select string_agg(distinct _file, ' and ' order by _file) as files, {shown} as shown, count(*) as n
            from {table} group by {group} having count(*) > 1)
        select files, count(*), min(shown), max(n) from repeated group by files order by files limit 20""").fetchall()
    scope = "in a submission" if per_submission else "across the files of the year"
    problems = []
    for files, keys, example, times in rows:
        what = (f"duplicate key ({excerpt(example)}) appears {times} times" if keys == 1 else
                f"{keys:,} keys appear more than once (up to {times} times), for example ({excerpt(example)})")
        problems.append(Problem(files, f"{what}; expected one row per {', '.join(contract.key)} {scope}"))
    return problems


def empty_file_problems(con: duckdb.DuckDBPyConnection, table: str, items: list[LandingFile]) -> list[Problem]:
    """Files with a header but no rows: an empty return section or survey file is an error, not a zero."""
    counts = dict(con.execute(f"select _file, count(*) from {table} group by _file").fetchall())
    return [Problem(str(i.path), "has a header but no data rows; expected at least one row")
            for i in items if counts.get(str(i.path), 0) == 0]


SUBMISSION_YEAR = re.compile(r"^WRES(\d{4})-")


def submission_problems(con: duckdb.DuckDBPyConnection, table: str, items: list[LandingFile],
                        wres_year: int | None = None) -> list[Problem]:
    """DCF files: rows name the submission of their file name and a single trust; a submission
    id that names its WRES year (WRES<YYYY>-...) names the year of its folder."""
    expected = {str(i.path): i.submission_id for i in items}
    problems = []
    for item in items:
        named = SUBMISSION_YEAR.match(item.submission_id or "")
        if wres_year is not None and named and int(named[1]) != wres_year:
            problems.append(Problem(str(item.path), f"submission '{item.submission_id}' is a WRES {named[1]} return "
                                                    f"filed under dcf/{wres_year}/; move it to dcf/{named[1]}/"))
    con.execute("drop table if exists _expected_submission")
    con.execute("create temp table _expected_submission (_file varchar, submission_id varchar)")
    con.executemany("insert into _expected_submission values (?, ?)", list(expected.items()))
    for file, found, count in con.execute(
        f"select s._file, min(s.submission_id), count(*) from {table} s join _expected_submission e "
        f"using (_file) where s.submission_id is distinct from e.submission_id group by s._file"
    ).fetchall():
        problems.append(Problem(file, f"submission_id '{excerpt(found)}' differs from the file name's "
                                      f"'{expected[file]}' in {count} row(s)", "submission_id"))
    for file, orgs in con.execute(
        f"select _file, string_agg(distinct org_code, ', ') from {table} group by _file "
        f"having count(distinct org_code) > 1"
    ).fetchall():
        problems.append(Problem(file, f"holds several trusts ({excerpt(orgs)}); expected one trust per submission",
                                "org_code"))
    for file, found in con.execute(
        f"select _file, string_agg(distinct submitted_at, ', ') from {table} group by _file "
        f"having count(distinct submitted_at) > 1"
    ).fetchall():
        problems.append(Problem(file, f"rows disagree on submitted_at ({excerpt(found)}); expected one time per submission",
                                "submitted_at"))
    return problems
