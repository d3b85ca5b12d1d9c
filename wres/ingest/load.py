"""Loading one WRES year (or the reference files) into the `raw` schema, all or nothing.

Every file is checked against its contract before anything is written; a year is then
replaced inside one transaction, so a failed load leaves the previous rows of that year
in place. Each file loaded gets a row in `raw.load_manifest` with its SHA-256.

The staff survey stays one row per respondent, as in its files: `raw.staff_survey_respondents`
has a column for every question column ever loaded (the union by name of every year's
questionnaire), null in the years whose questionnaire lacks it. DuckDB stores a column that is
null for a whole year in next to no space and a query reads only the columns it names, so one
table serves every year, dbt scores a year on that year's columns, and the survey is never
unpivoted into one row per answer.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from wres import vocabulary as vocab
from wres.config import Settings
from wres.dbt import ensure_build_years_table
from wres.disclosure.releases import ensure_release_cells_table
from wres.ingest import contracts as c
from wres.ingest.landing import LandingFile, not_regular, reference_files, year_files
from wres.ingest.read import (
    ContractError,
    Problem,
    check_header,
    column_checks,
    duplicate_key_problems,
    empty_file_problems,
    _ident,
    _sql_str,
    read_header,
    run_checks,
    stage,
    submission_problems,
)

RAW = "raw"
_YEAR_TABLES = [c.WORKFORCE_STATISTICS.raw_table, *(s.raw_table for s in c.DCF_SECTIONS.values()),
                c.STAFF_SURVEY.raw_table]
_LONG_SURVEY_ANSWERS = "staff_survey_answers"  # the one-row-per-answer table of earlier versions


@dataclass
class LoadResult:
    load_id: str
    wres_year: int | None
    files: list[dict] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW}")
    year_cols = "wres_year integer, source_file varchar, load_id varchar"
    for contract in (c.WORKFORCE_STATISTICS, *c.DCF_SECTIONS.values()):
        cols = ", ".join(f"{n} varchar" for n in contract.names)
        con.execute(f"create table if not exists {RAW}.{contract.raw_table} ({cols}, {year_cols})")
    fixed = ", ".join(f"{n} varchar" for n in c.STAFF_SURVEY.names)
    con.execute(f"create table if not exists {RAW}.{c.STAFF_SURVEY.raw_table} "
                f"({fixed}, survey_year integer, {year_cols})")
    # Every column the question map names exists, loaded or not, so that dbt can score any year.
    add_question_columns(con, [row["question_column"] for row in vocab.read_seed("survey_question_map")])
    _widen_long_survey_answers(con)
    con.execute(f"create table if not exists {RAW}.etr ({', '.join(f'{n} varchar' for n in c.ETR_COLUMNS)}, "
                f"source_file varchar, load_id varchar)")
    con.execute(f"create table if not exists {RAW}.trust_types (org_code varchar, trust_type varchar, "
                f"source_file varchar, load_id varchar)")
    con.execute(f"create table if not exists {RAW}.icb_names (icb_code varchar, icb_name varchar, "
                f"source_file varchar, load_id varchar)")
    con.execute(f"""create table if not exists {RAW}.load_manifest (
        load_id varchar, run_id varchar, source varchar, wres_year integer, raw_dir varchar,
        path varchar, sha256 varchar, bytes bigint, rows bigint, loaded_at timestamp with time zone)""")
    ensure_build_years_table(con)
    ensure_release_cells_table(con)


def add_question_columns(con: duckdb.DuckDBPyConnection, questions: list[str]) -> None:
    """Add the survey question columns the respondents table lacks (text, null in earlier rows)."""
    table = f"{RAW}.{c.STAFF_SURVEY.raw_table}"
    present = {r[0] for r in con.execute(f"describe {table}").fetchall()}
    for question in dict.fromkeys(q for q in questions if q not in present):
        con.execute(f"alter table {table} add column {_ident(question)} varchar")


def _widen_long_survey_answers(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse of an earlier version holds the answers one row per answer: put them back in
    their respondents' question columns, once, and drop that table."""
    exists = con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                         [RAW, _LONG_SURVEY_ANSWERS]).fetchone()[0]
    if not exists:
        return
    long_table, table = f"{RAW}.{_LONG_SURVEY_ANSWERS}", f"{RAW}.{c.STAFF_SURVEY.raw_table}"
    con.execute("begin transaction")
    try:
        questions = [r[0] for r in con.execute(f"select distinct question from {long_table} order by 1").fetchall()]
        add_question_columns(con, questions)
        if questions:
            listed = ", ".join(_sql_str(q) for q in questions)
            assigned = ", ".join(f"{_ident(q)} = wide.{_ident(q)}" for q in questions)
            con.execute(f"""update {table} set {assigned}
                from (pivot (select survey_year, respondent_id, question, answer from {long_table})
                      on question in ({listed}) using any_value(answer)
                      group by survey_year, respondent_id) as wide
                where {table}.survey_year = wide.survey_year and {table}.respondent_id = wide.respondent_id""")
        con.execute(f"drop table {long_table}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _check_files(con: duckdb.DuckDBPyConnection, files: list[LandingFile], layout_problems: list[str],
                 wres_year: int | None, survey_questions: dict | None, max_count: int) -> dict[c.Contract, str]:
    """Stage and check every file; raise ContractError listing every problem found."""
    problems: list[Problem | str] = list(layout_problems)
    unchecked_orgs: list[str] = []
    staged: dict[c.Contract, str] = {}
    by_contract: dict[c.Contract, list[LandingFile]] = {}
    for item in files:
        by_contract.setdefault(item.contract, []).append(item)
    for contract, items in by_contract.items():
        groups: dict[tuple[str, ...], list[LandingFile]] = {}
        headers: dict[str, tuple[list[str], LandingFile]] = {}
        for item in items:
            try:
                header = read_header(item)
            except ValueError as exc:
                problems.append(Problem(str(item.path), str(exc)))
                continue
            header_problems = check_header(item, header)
            if contract is c.STAFF_SURVEY and survey_questions:
                needed = [q for cols in survey_questions.values() for q in cols if q not in header]
                if needed:
                    header_problems.append(Problem(str(item.path), f"missing question column(s) {', '.join(needed)}, "
                                                   f"which the survey question map names for this survey year"))
            problems.extend(header_problems)
            if not header_problems:
                groups.setdefault(tuple(header), []).append(item)
                headers[str(item.path)] = (header, item)
        if not groups:
            continue
        table = f"_stage_{contract.raw_table}"
        read_problems = stage(con, table, groups)
        problems.extend(read_problems)
        if read_problems:
            continue
        problems.extend(empty_file_problems(con, table, [i for group in groups.values() for i in group]))
        reference = reference_loaded(con)
        if wres_year is not None and "org_code" in contract.names and not reference and not unchecked_orgs:
            unchecked_orgs.append("org codes not checked: no NHS trust in England is loaded from the ODS reference "
                                  "(reference/etr.csv); the reference files must load first (`wres check` "
                                  "lists their problems)")
        problems.extend(run_checks(con, table, column_checks(contract, wres_year, survey_questions, max_count,
                                                             reference), headers))
        problems.extend(duplicate_key_problems(con, table, contract))
        if contract.source.startswith("dcf/"):
            problems.extend(submission_problems(con, table, items, wres_year))
        staged[contract] = table
    problems.extend(unchecked_orgs)
    if problems:
        context = f"WRES {wres_year}" if wres_year else "reference files"
        raise ContractError(problems, context)
    return staged


def reference_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the raw ODS reference holds any English NHS trust."""
    return con.execute(f"select count(*) from {RAW}.etr where nullif(region_code, '') is not null").fetchone()[0] > 0


def _manifest_rows(con, table: str, files: list[LandingFile], raw_dir: Path) -> list[dict]:
    counts = dict(con.execute(f"select _file, count(*) from {table} group by _file").fetchall())
    rows = []
    for item in files:
        rows.append({"source": item.contract.source, "path": str(item.path.relative_to(raw_dir)),
                     "sha256": sha256(item.path), "bytes": item.path.stat().st_size,
                     "rows": int(counts.get(str(item.path), 0))})
    return rows


def _insert_manifest(con, result: LoadResult, run_id: str, raw_dir: Path) -> None:
    if not result.files:
        return
    loaded_at = datetime.now(timezone.utc)
    rows = pa.table({  # noqa: F841 (read by name in the SQL below); one statement for the whole load
        "load_id": [result.load_id] * len(result.files), "run_id": [run_id] * len(result.files),
        "source": [f["source"] for f in result.files], "wres_year": [result.wres_year] * len(result.files),
        "raw_dir": [str(raw_dir)] * len(result.files), "path": [f["path"] for f in result.files],
        "sha256": [f["sha256"] for f in result.files], "bytes": [f["bytes"] for f in result.files],
        "rows": [f["rows"] for f in result.files], "loaded_at": [loaded_at] * len(result.files)})
    con.execute(f"insert into {RAW}.load_manifest by name select * from rows")  # `rows`: DuckDB reads the local


@contextmanager
def _replacing(con: duckdb.DuckDBPyConnection, result: LoadResult, run_id: str, raw_dir: Path):
    """One transaction for a whole load: its rows and its manifest go in together, or not at all."""
    con.execute("begin transaction")
    try:
        yield
        _insert_manifest(con, result, run_id, raw_dir)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _relative_file_sql(raw_dir: Path) -> str:
    prefix = str(raw_dir).rstrip("/") + "/"
    return f"replace(_file, '{prefix.replace(chr(39), chr(39) * 2)}', '')"


def ingest_year(con: duckdb.DuckDBPyConnection, raw_dir: Path, wres_year: int, settings: Settings,
                run_id: str = "") -> LoadResult:
    """Check and load every file of one WRES year, replacing that year's raw rows."""
    raw_dir = Path(raw_dir).resolve()
    found = year_files(raw_dir, wres_year, settings)
    if not found.files and not found.problems:
        raise ContractError([f"{raw_dir}: no files for WRES year {wres_year}"], f"WRES {wres_year}")
    questions = vocab.survey_questions(found.survey_year)
    layout = list(found.problems)
    if any(f.contract is c.STAFF_SURVEY for f in found.files) and questions is None:
        layout.append(f"{raw_dir / 'staff_survey' / str(found.survey_year)}: survey year {found.survey_year} has "
                      f"no entry in the question map (dbt_project/seeds/survey_question_map.csv); add its "
                      f"question columns there")
    ensure_raw_schema(con)
    staged = _check_files(con, found.files, layout, wres_year, questions, settings.thresholds.max_count)

    result = LoadResult(load_id=uuid.uuid4().hex, wres_year=wres_year)
    relative = _relative_file_sql(raw_dir)
    with _replacing(con, result, run_id, raw_dir):
        for table in _YEAR_TABLES:
            con.execute(f"delete from {RAW}.{table} where wres_year = ?", [wres_year])
        for contract, stage_table in staged.items():
            files = [f for f in found.files if f.contract is contract]
            result.files.extend(_manifest_rows(con, stage_table, files, raw_dir))
            names = ", ".join(contract.names)
            extra = ""
            if contract is c.STAFF_SURVEY:
                questions = [r[0] for r in con.execute(f"describe {stage_table}").fetchall()
                             if re.fullmatch(c.SURVEY_QUESTION_PATTERN, r[0])]
                add_question_columns(con, questions)
                extra = "".join(f"{_ident(q)}, " for q in questions) + f"{found.survey_year} as survey_year, "
            con.execute(f"insert into {RAW}.{contract.raw_table} by name select {names}, {extra}"
                        f"{wres_year} as wres_year, {relative} as source_file, '{result.load_id}' as load_id "
                        f"from {stage_table}")
            result.rows[contract.raw_table] = con.execute(f"select count(*) from {stage_table}").fetchone()[0]
    result.warnings = trusts_without_type(con, wres_year)
    if not any(f.contract is c.STAFF_SURVEY for f in found.files):
        result.warnings.append(f"WRES {wres_year}: no staff survey in staff_survey/{found.survey_year}/, so indicators "
                               f"5-8 are not computed for this year")
    return result


def trusts_without_type(con: duckdb.DuckDBPyConnection, wres_year: int) -> list[str]:
    """Trusts with rows in the year's files but no row in reference/trust_types.csv: they would be
    compared as a one-trust group 'Unclassified', so they are named on screen as soon as they load
    (the gate's data_quality_warnings suite lists every such trust of the year's marts)."""
    tables = [c.WORKFORCE_STATISTICS.raw_table, *(s.raw_table for s in c.DCF_SECTIONS.values()),
              c.STAFF_SURVEY.raw_table]
    loaded = " union ".join(f"select org_code from {RAW}.{t} where wres_year = {int(wres_year)}" for t in tables)
    rows = con.execute(f"""
        select distinct e.org_code, e.name from ({loaded}) y
        join {RAW}.etr e using (org_code)
        left join {RAW}.trust_types t using (org_code)
        where t.org_code is null
        order by e.org_code""").fetchall()
    if not rows:
        return []
    named = ", ".join(f"{code} ({name})" for code, name in rows[:20]) + (" ..." if len(rows) > 20 else "")
    return [f"WRES {wres_year}: {len(rows)} trust(s) in the year's files have no trust type in "
            f"reference/trust_types.csv and are grouped as 'Unclassified': {named}"]


def ingest_reference(con: duckdb.DuckDBPyConnection, raw_dir: Path, run_id: str = "") -> LoadResult:
    """Check and load the trust reference files, replacing the previous ones."""
    raw_dir = Path(raw_dir).resolve()
    files = reference_files(raw_dir)
    missing = [f"{f.path}: missing; the landing zone needs it (see CONTRACTS in the README)"
               for f in files if not f.path.exists() and not f.path.is_symlink()]
    missing += [problem for f in files if (f.path.exists() or f.path.is_symlink())
                and (problem := not_regular(f.path, raw_dir))]
    if missing:
        raise ContractError(missing, "reference files")
    ensure_raw_schema(con)
    staged = _check_files(con, files, [], None, None, max_count=0)  # no counts in reference files
    result = LoadResult(load_id=uuid.uuid4().hex, wres_year=None)
    relative = _relative_file_sql(raw_dir)
    with _replacing(con, result, run_id, raw_dir):
        if c.ICB_NAMES not in staged:
            con.execute(f"delete from {RAW}.icb_names")  # the optional names file was removed
        for contract, stage_table in staged.items():
            result.files.extend(_manifest_rows(con, stage_table, [f for f in files if f.contract is contract],
                                               raw_dir))
            con.execute(f"delete from {RAW}.{contract.raw_table}")
            con.execute(f"insert into {RAW}.{contract.raw_table} by name select * exclude (_file), "
                        f"{relative} as source_file, '{result.load_id}' as load_id from {stage_table}")
            result.rows[contract.raw_table] = con.execute(f"select count(*) from {stage_table}").fetchone()[0]
    return result


def latest_loads(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every file of the latest load of each WRES year and of the reference (`wres_year` None).

    The one definition of "what is loaded now" that refreshes, `wres status` and releases use."""
    rows = con.execute("""
        with latest as (
            select wres_year, load_id,
                   row_number() over (partition by wres_year order by loaded_at desc, load_id) as recency
            from (select distinct wres_year, load_id, loaded_at from raw.load_manifest)
        )
        select m.wres_year, m.source, m.path, m.sha256, m.bytes, m.rows, m.loaded_at, m.load_id
        from raw.load_manifest m join latest l using (load_id)
        where l.recency = 1
        order by m.wres_year nulls first, m.source, m.path
    """).fetchall()
    # Paths are relative to the landing zone: a release names no folder of the machine it was built on.
    return [{"wres_year": r[0], "source": r[1], "path": r[2], "sha256": r[3], "bytes": r[4], "rows": r[5],
             "loaded_at": r[6], "load_id": r[7]} for r in rows]


def release_inputs(con: duckdb.DuckDBPyConnection, wres_year: int) -> list[dict]:
    """The files behind a year: its latest load of each source and the latest reference load."""
    return [{key: (value.isoformat() if key == "loaded_at" else value) for key, value in load.items()
             if key != "wres_year"}
            for load in sorted((f for f in latest_loads(con) if f["wres_year"] in (wres_year, None)),
                               key=lambda f: (f["source"], f["path"]))]
