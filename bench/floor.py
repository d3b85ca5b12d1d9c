"""The floor of `make bench`: the core WRES indicators straight from the landing zone.

One hand-written DuckDB script, plain SQL: every source file is read once (read_csv /
read_parquet), and the headline figures of indicators 1-9 are computed for every WRES year,
per trust and for England, then written to one Parquet file. It is what the data physically
costs to turn into the indicators; the product (`wres refresh`) is compared with it.

Deliberately left out, because they are the product's value and not the floor: contract
checks, the warehouse and its layers, regions / ICBs / trust types, confidence intervals,
disclosure control (primary and secondary suppression, the audit), the publication gate,
the releases and the report.

    python -m bench.floor --raw-dir data/raw --out /tmp/floor.parquet

The methodology is that of docs/METHODOLOGY.md, simplified where noted:
  1  % White / BME / Unknown of all staff and of each staff group and pay band; workforce
     statistics before WRES 2018, the latest WRES return (DCF) from 2018 (a trust without a
     workforce return falls back to workforce statistics);
  2  relative likelihood of white applicants being appointed from shortlisting vs BME;
  3  relative likelihood of BME staff entering the formal disciplinary process vs white
     (year-end method, headcounts from indicator 1);
  4  relative likelihood of white staff accessing non-mandatory training vs BME;
  5-8 % of White and of BME survey respondents (survey of fieldwork year Y-1) answering
     positively, per trust; England weights each trust by its headcount of the group;
  9  % BME of the board (all, voting, executive, non-executive) minus % BME of the workforce.
Trusts are those of the ODS reference file open at 31 March of the year.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import duckdb

SEEDS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

# NHS Data Dictionary ethnic categories (docs/METHODOLOGY.md "Ethnicity"); anything else is Unknown.
WHITE_CODES = ("A", "B", "C")
BME_CODES = ("D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S")
DCF_SECTIONS = ("workforce", "recruitment", "disciplinary", "training", "board")


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _path(path: Path) -> str:
    return _lit(path.as_posix())


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(_lit(c) for c in codes)


def _survey_reader(files: list[Path]) -> str:
    """One survey year's files as a relation of text columns (CSV, gzipped CSV or Parquet)."""
    parquet = [f for f in files if f.name.endswith(".parquet")]
    text = [f for f in files if not f.name.endswith(".parquet")]
    parts = []
    if parquet:
        parts.append(f"select * from read_parquet([{', '.join(map(_path, parquet))}])")
    if text:
        parts.append(f"select * from read_csv([{', '.join(map(_path, text))}], "
                     f"all_varchar = true, header = true)")
    return " union all by name ".join(parts)


def survey_sql(raw_dir: Path, question_map: list[dict], survey_lag: int = 1) -> str:
    """One select per survey year: each respondent's White/BME group and, per indicator, whether
    they answered (the denominator) and answered positively (the numerator)."""
    selects = []
    for folder in sorted(p for p in (raw_dir / "staff_survey").iterdir() if p.is_dir() and p.name.isdigit()):
        survey_year = int(folder.name)
        files = sorted(f for f in folder.iterdir() if f.name.endswith((".csv", ".csv.gz", ".parquet")))
        rows = [r for r in question_map
                if int(r["first_survey_year"]) <= survey_year <= int(r["last_survey_year"])]
        if not files or not rows:
            continue
        indicators = sorted({int(r["indicator"]) for r in rows})
        measures = []
        for indicator in indicators:
            questions = [r for r in rows if int(r["indicator"]) == indicator]
            answered = " or ".join(f"nullif(trim({r['question_column']}), '') is not null" for r in questions)
            positive = " or ".join(
                (f"coalesce(trim({r['question_column']}) not in ('', 'Never'), false)"
                 if r["answer_kind"] == "harassment" else f"coalesce(trim({r['question_column']}) = 'Yes', false)")
                for r in questions)
            measures.append(f"select {indicator} as indicator, ({answered}) as answered, ({positive}) as positive")
        unnest = " union all ".join(measures)
        selects.append(f"""
            select {survey_year + survey_lag} as wres_year, s.org_code, coalesce(e.ethnicity_group, 'Unknown') as grp,
                   m.indicator, m.answered, m.positive
            from ({_survey_reader(files)}) as s
            left join survey_ethnicities as e on trim(s.ethnicity) = e.ethnicity_label
            cross join lateral ({unnest}) as m""")
    return " union all ".join(selects) if selects else (
        "select null::int as wres_year, null::varchar as org_code, null::varchar as grp, null::int as indicator, "
        "null::boolean as answered, null::boolean as positive where false")


def floor_sql(raw_dir: Path, out: Path) -> list[str]:
    """The script: a few statements, the last one writing the indicators to `out`."""
    with open(SEEDS / "survey_question_map.csv", newline="") as f:
        question_map = list(csv.DictReader(f))

    # Files of one source are read together; DuckDB matches their columns by header name, so the
    # column order may differ between files. Every value is read as text and cast where used.
    def dcf(section: str) -> str:
        # The latest submission of each trust's section for each year replaces earlier ones whole.
        return f"""
            select *, regexp_extract(filename, '[\\\\/]dcf[\\\\/](\\d{{4}})[\\\\/]', 1)::int as wres_year
            from read_csv({_path(raw_dir / 'dcf' / '*' / f'{section}__*.csv')}, header = true, all_varchar = true,
                          filename = true)
            qualify dense_rank() over (partition by wres_year, org_code
                                       order by submitted_at::timestamp desc, submission_id desc) = 1"""

    return [
        f"""create temp table survey_ethnicities as
            select * from read_csv({_path(SEEDS / 'survey_ethnicities.csv')}, header = true, all_varchar = true)""",
        # Trusts open at 31 March of each year (ODS etr: no header, 27 columns).
        f"""create temp table trusts as
            with etr as (
                select column00 as org_code, nullif(column02, '') as region_code,
                       strptime(column10, '%Y%m%d')::date as open_date,
                       strptime(nullif(column11, ''), '%Y%m%d')::date as close_date
                from read_csv({_path(raw_dir / 'reference' / 'etr.csv')}, header = false, all_varchar = true)
            )
            select y.wres_year, etr.org_code
            from etr, (select unnest(range(2000, 2100)) as wres_year) as y
            where etr.region_code is not null and etr.open_date <= make_date(y.wres_year, 3, 31)
              and (etr.close_date is null or etr.close_date > make_date(y.wres_year, 3, 31))""",
        # Indicator 1: headcounts by trust, staff group, band and ethnicity group, from the source in force.
        f"""create temp table headcounts as
            with statistics as (
                select year(census_date::date) as wres_year, org_code, staff_group, pay_band,
                       case when trim(ethnic_category) in ({_codes(WHITE_CODES)}) then 'White'
                            when trim(ethnic_category) in ({_codes(BME_CODES)}) then 'BME'
                            else 'Unknown' end as grp,
                       headcount::bigint as headcount
                from read_csv({_path(raw_dir / 'workforce_statistics' / '*' / '*.csv')}, header = true,
                              all_varchar = true)
            ),
            returns as (
                select wres_year, org_code, staff_group, pay_band, ethnicity_group as grp, headcount::bigint as headcount
                from ({dcf('workforce')}) where wres_year >= 2018
            ),
            chosen as (
                select * from returns
                union all
                select * from statistics anti join (select distinct wres_year, org_code from returns) using (wres_year, org_code)
            )
            select wres_year, org_code, staff_group, pay_band, grp, sum(headcount) as headcount
            from chosen semi join trusts using (wres_year, org_code)
            group by all""",
        # Each trust's white and BME headcount: indicator 3 and 4 denominators, survey weights, indicator 9.
        """create temp table staff as
            select wres_year, org_code,
                   sum(headcount) filter (where grp = 'White') as white,
                   sum(headcount) filter (where grp = 'BME') as bme,
                   sum(headcount) as total
            from headcounts group by all""",
        f"create temp table recruitment as {dcf('recruitment')}",
        f"create temp table disciplinary as {dcf('disciplinary')}",
        f"create temp table training as {dcf('training')}",
        f"create temp table board as {dcf('board')}",
        f"create temp table survey as {survey_sql(raw_dir, question_map)}",
        f"""copy (
            with
            ind1 as (
                select wres_year, 1 as indicator,
                       case when grouping(org_code) = 0 then 'trust' else 'england' end as level,
                       coalesce(org_code, 'ENG') as area_code,
                       case when grouping(staff_group) = 1 then 'all' else staff_group || '|' || pay_band end as breakdown,
                       sum(headcount) as n,
                       100.0 * sum(headcount) filter (where grp = 'White') / nullif(sum(headcount), 0) as pct_white,
                       100.0 * sum(headcount) filter (where grp = 'BME') / nullif(sum(headcount), 0) as pct_bme,
                       100.0 * sum(headcount) filter (where grp = 'Unknown') / nullif(sum(headcount), 0) as pct_unknown
                from headcounts
                group by grouping sets ((wres_year, org_code), (wres_year, org_code, staff_group, pay_band),
                                        (wres_year), (wres_year, staff_group, pay_band))
            ),
            -- Indicators 2-4: white and BME counts per trust, England by summing them.
            events as (
                select wres_year, 2 as indicator, org_code,
                       sum(appointed::bigint) filter (where ethnicity_group = 'White') as a_white,
                       sum(shortlisted::bigint) filter (where ethnicity_group = 'White') as n_white,
                       sum(appointed::bigint) filter (where ethnicity_group = 'BME') as a_bme,
                       sum(shortlisted::bigint) filter (where ethnicity_group = 'BME') as n_bme
                from recruitment semi join trusts using (wres_year, org_code) group by all
                union all
                select d.wres_year, 3, d.org_code,
                       sum(entered_formal_disciplinary::bigint) filter (where ethnicity_group = 'White'), any_value(s.white),
                       sum(entered_formal_disciplinary::bigint) filter (where ethnicity_group = 'BME'), any_value(s.bme)
                from disciplinary as d join staff as s using (wres_year, org_code) group by all
                union all
                select t.wres_year, 4, t.org_code,
                       sum(accessed_training::bigint) filter (where ethnicity_group = 'White'), any_value(s.white),
                       sum(accessed_training::bigint) filter (where ethnicity_group = 'BME'), any_value(s.bme)
                from training as t join staff as s using (wres_year, org_code) group by all
            ),
            ind2_4 as (
                select wres_year, indicator,
                       case when grouping(org_code) = 0 then 'trust' else 'england' end as level,
                       coalesce(org_code, 'ENG') as area_code,
                       -- 2 and 4: white relative to BME; 3: BME relative to white.
                       case when indicator = 3
                            then (sum(a_bme) / nullif(sum(n_bme), 0)) / nullif(sum(a_white) / nullif(sum(n_white), 0), 0)
                            else (sum(a_white) / nullif(sum(n_white), 0)) / nullif(sum(a_bme) / nullif(sum(n_bme), 0), 0)
                       end as relative_likelihood
                from events
                group by grouping sets ((wres_year, indicator, org_code), (wres_year, indicator))
            ),
            -- Indicators 5-8: per trust, % of each group's respondents; England weighted by headcount.
            survey_trust as (
                select wres_year, indicator, org_code, grp,
                       count(*) filter (where answered) as respondents,
                       100.0 * count(*) filter (where positive) / nullif(count(*) filter (where answered), 0) as pct
                from survey semi join trusts using (wres_year, org_code)
                where grp in ('White', 'BME')
                group by all
            ),
            survey_england as (
                select st.wres_year, st.indicator, st.grp,
                       sum(st.pct * case st.grp when 'White' then s.white else s.bme end)
                       / nullif(sum(case st.grp when 'White' then s.white else s.bme end), 0) as pct
                from survey_trust as st join staff as s using (wres_year, org_code)
                where st.pct is not null
                group by all
            ),
            -- Indicator 9: % BME of the board minus % BME of the workforce, in percentage points.
            board_roles as (
                select wres_year, org_code, 'all' as breakdown, ethnicity_group, members::bigint as members from board
                union all
                select wres_year, org_code, 'voting', ethnicity_group, members::bigint from board where voting = 'Y'
                union all
                select wres_year, org_code, replace(lower(board_role), '-', '_'), ethnicity_group, members::bigint from board
            ),
            board_trust as (
                select wres_year, org_code, breakdown, sum(members) filter (where ethnicity_group = 'BME') as bme,
                       sum(members) as members
                from board_roles group by all
            ),
            ind9 as (
                select b.wres_year, case when grouping(b.org_code) = 0 then 'trust' else 'england' end as level,
                       coalesce(b.org_code, 'ENG') as area_code, b.breakdown,
                       100.0 * sum(b.bme) / nullif(sum(b.members), 0) - 100.0 * sum(s.bme) / nullif(sum(s.total), 0) as gap
                from board_trust as b join staff as s using (wres_year, org_code)
                group by grouping sets ((b.wres_year, b.org_code, b.breakdown), (b.wres_year, b.breakdown))
            )
            select wres_year, indicator, level, area_code, breakdown, 'pct_' || lower(grp) as measure, value
            from ind1 unpivot (value for grp in (pct_white as 'white', pct_bme as 'bme', pct_unknown as 'unknown'))
            union all
            select wres_year, 1, level, area_code, breakdown, 'headcount', n from ind1
            union all
            select wres_year, indicator, level, area_code, 'all', 'relative_likelihood', relative_likelihood from ind2_4
            union all
            select wres_year, indicator, 'trust', org_code, 'all', 'pct_' || lower(grp), pct from survey_trust
            union all
            select wres_year, indicator, 'england', 'ENG', 'all', 'pct_' || lower(grp), pct from survey_england
            union all
            select wres_year, 9, level, area_code, breakdown, 'gap_pp', gap from ind9
            order by all
        ) to {_path(out)} (format parquet)""",
    ]


def run(raw_dir: Path, out: Path) -> dict[int, int]:
    """Run the script; the number of rows written per indicator."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    for statement in floor_sql(raw_dir, out):
        con.execute(statement)
    return dict(con.execute(f"select indicator, count(*) from read_parquet({_path(out)}) group by 1 order by 1").fetchall())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-dir", type=Path, required=True, help="the landing zone to read")
    parser.add_argument("--out", type=Path, required=True, help="Parquet file to write the indicators to")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = run(args.raw_dir, args.out)
    print(f"{sum(counts.values()):,} indicator values ({', '.join(f'{i}: {n:,}' for i, n in counts.items())}) "
          f"to {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
