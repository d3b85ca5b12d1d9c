"""The demo landing-zone generator: deterministic, within its contracts, messy, calibrated."""

import hashlib
from pathlib import Path

import duckdb
import pytest

from wres.config import load_settings
from wres.generate import generate_landing_zone
from wres.generate.trusts import open_at_census, read_etr, trust_type
from wres.ingest.load import ingest_reference, ingest_year


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate_landing_zone(folder, scale=0.03, seed=7, first_year=2021, last_year=2022)
    return folder


def test_same_seed_writes_the_same_files(small, tmp_path):
    generate_landing_zone(tmp_path, scale=0.03, seed=7, first_year=2021, last_year=2022)
    assert digest(tmp_path) == digest(small)


def test_another_seed_writes_other_figures(small, tmp_path):
    generate_landing_zone(tmp_path, scale=0.03, seed=8, first_year=2021, last_year=2022)
    theirs, ours = digest(tmp_path), digest(small)
    assert theirs["reference/etr.csv"] == ours["reference/etr.csv"]
    assert theirs["workforce_statistics/2022/nhs_workforce_statistics_2022_03.csv"] != \
        ours["workforce_statistics/2022/nhs_workforce_statistics_2022_03.csv"]


def test_layout_follows_the_contract(small):
    assert (small / "reference" / "etr.csv").exists() and (small / "reference" / "trust_types.csv").exists()
    sections = {p.name.split("__")[0] for p in (small / "dcf" / "2022").iterdir()}
    assert sections == {"workforce", "recruitment", "disciplinary", "training", "board"}
    # WRES 2022 uses the 2021 survey (Parquet from 2021 on), WRES 2021 the 2020 survey (csv.gz).
    assert [p.name for p in (small / "staff_survey" / "2021").iterdir()] == ["nss_2021_respondents.parquet"]
    assert [p.name for p in (small / "staff_survey" / "2020").iterdir()] == ["nss_2020_respondents.csv.gz"]


def test_every_generated_file_passes_its_contract(small):
    settings = load_settings()
    con = duckdb.connect()
    ingest_reference(con, small)
    for year in (2021, 2022):
        result = ingest_year(con, small, year, settings)
        assert result.rows["workforce_statistics"] > 0 and result.rows["staff_survey_respondents"] > 0


def test_the_drop_carries_real_mess(small):
    con = duckdb.connect()
    dcf = str(small / "dcf" / "2022")
    # Revised returns: a second submission of one section for some trusts.
    revised = con.execute(f"select count(*) from glob('{dcf}/*-02.csv')").fetchone()[0]
    assert revised > 0
    ws = f"read_csv('{small}/workforce_statistics/2022/*.csv')"
    declaration = con.execute(f"""
        select count(*) filter (where rate < 0.9), count(*) filter (where rate < 0.8) from (
            select org_code, 1 - sum(headcount) filter (where ethnic_category in ('Z', '99'))::double
                                 / sum(headcount) as rate
            from {ws} group by org_code)""").fetchone()
    assert declaration[0] > declaration[1] > 0  # some low, some below the withholding threshold
    assert con.execute(f"select count(*) from {ws} where headcount between 1 and 7").fetchone()[0] > 0
    survey = f"read_parquet('{small}/staff_survey/2021/*.parquet')"
    assert con.execute(f"select count(*) from {survey} where q14a is null").fetchone()[0] > 0
    small_groups = con.execute(f"""select count(*) from (select org_code from {survey}
        where ethnicity like 'Black%' or ethnicity like 'Asian%' or ethnicity like 'Mixed%'
           or ethnicity in ('Arab', 'Any other ethnic group') group by org_code having count(*) < 11)""").fetchone()[0]
    assert small_groups > 0


def test_trusts_open_at_each_census_match_the_reference_readme():
    # shared/reference/README.md: trusts open at 31 March, English trusts only.
    expected = {2016: 234, 2017: 229, 2018: 227, 2019: 221, 2020: 214, 2021: 211, 2022: 208, 2023: 207, 2024: 206}
    trusts = read_etr()
    assert {year: len(open_at_census(trusts, year)) for year in expected} == expected


def test_trust_types_from_names():
    assert trust_type("EAST MIDLANDS AMBULANCE SERVICE NHS TRUST") == "Ambulance"
    assert trust_type("ALDER HEY CHILDREN'S NHS FOUNDATION TRUST") == "Acute specialist"
    assert trust_type("SOUTH WEST LONDON AND ST GEORGE'S MENTAL HEALTH NHS TRUST") == \
        "Mental health and learning disability"
    assert trust_type("SHROPSHIRE COMMUNITY HEALTH NHS TRUST") == "Community"
    assert trust_type("BARTS HEALTH NHS TRUST") == "Acute"


def test_refuses_to_overwrite_sources(small):
    with pytest.raises(FileExistsError, match="already holds source files"):
        generate_landing_zone(small, scale=0.03, seed=7, first_year=2022, last_year=2022)


def test_calibrated_near_the_published_england_figures(tmp_path):
    generate_landing_zone(tmp_path, scale=0.05, seed=2022, first_year=2022, last_year=2022)
    con = duckdb.connect()
    bme_codes = "('D','E','F','G','H','J','K','L','M','N','P','R','S')"
    share = con.execute(f"select sum(headcount) filter (where ethnic_category in {bme_codes})::double "
                        f"/ sum(headcount) from read_csv('{tmp_path}/workforce_statistics/2022/*.csv')").fetchone()[0]
    assert share == pytest.approx(0.242, abs=0.01)  # 24.2% BME in March 2022
    london = con.execute(f"""select sum(headcount) filter (where ethnic_category in {bme_codes})::double
        / sum(headcount) from read_csv('{tmp_path}/workforce_statistics/2022/*.csv') w
        join read_csv('{tmp_path}/reference/etr.csv', header = false) e on w.org_code = e.column00
        where e.column02 = 'Y56'""").fetchone()[0]
    assert london == pytest.approx(0.499, abs=0.06)  # London near half
