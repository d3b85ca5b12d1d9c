"""The `wres` command line: generate a demo landing zone, refresh, inspect, query (it runs the Dagster
jobs in process, so it lives beside them)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from wres.config import PUBLICATION_WORKERS, PUBLICATION_WORKERS_FROM_FILES, ConfigError, Settings, load_settings
from wres.text import printable

console = Console(stderr=True)
stdout = Console()


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Landing zone to read (default: WRES_RAW_DIR or data/raw).")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="DuckDB warehouse file (default: WRES_WAREHOUSE or data/warehouse/wres.duckdb).")
@click.option("--publish-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the published releases (default: WRES_PUBLISH_DIR or data/published).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="Configuration file (default: WRES_CONFIG or wres.toml).")
@click.pass_context
def main(ctx: click.Context, raw_dir, warehouse, publish_dir, config_file) -> None:
    """The NHS Workforce Race Equality Standard (WRES) warehouse."""
    try:
        settings = load_settings(config_file).with_paths(raw_dir, warehouse, publish_dir)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    os.umask(settings.umask)
    ctx.obj = {"settings": settings}


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write (default: the landing zone).")
@click.option("--scale", type=float, default=None, help="1.0 is national size; default from wres.toml.")
@click.option("--seed", type=int, default=None, help="Random seed; the same seed writes the same files.")
@click.option("--first-year", type=int, default=None, help="First WRES year to write.")
@click.option("--last-year", type=int, default=None, help="Last WRES year to write.")
@click.option("--overwrite", is_flag=True, help="Replace source files already in the folder.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the folder already holds source files.")
@click.pass_context
def generate(ctx, out, scale, seed, first_year, last_year, overwrite, if_empty) -> None:
    """Write a realistic, deterministic demo landing zone (every source, WRES 2016-2024)."""
    from wres.generate import generate_landing_zone
    from wres.generate.landing_zone import has_sources

    s = _settings(ctx)
    g = s.generator
    target = out or s.raw_dir
    if if_empty and has_sources(target):
        console.print(f"{target} already holds source files: nothing generated")
        return
    started = time.perf_counter()
    with console.status("generating…") as status:
        try:
            summary = generate_landing_zone(
                target, scale=scale or g.default_scale, seed=g.default_seed if seed is None else seed,
                first_year=first_year or g.first_wres_year, last_year=last_year or g.last_wres_year,
                overwrite=overwrite, progress=lambda m: status.update(m))
        except (FileExistsError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    table = Table(title=f"Landing zone written to {target}")
    table.add_column("source")
    table.add_column("rows", justify="right")
    for source, rows in sorted(summary.rows.items()):
        table.add_row(source, f"{rows:,}")
    stdout.print(table)
    console.print(f"{summary.files:,} files for WRES {summary.wres_years[0]}-{summary.wres_years[-1]} "
                  f"in {time.perf_counter() - started:.1f}s")


@main.command()
@click.option("--year", "years", type=int, multiple=True, help="WRES year to refresh (repeatable); default: all found.")
@click.option("--no-publish", is_flag=True, help="Stop after the dbt build; publish nothing.")
@click.option("--force", is_flag=True, help="Reload, rebuild and republish even what has not changed.")
@click.option("--wait", is_flag=True, help="When another refresh is writing the warehouse, wait for it instead of exiting.")
@click.option("--workers", type=click.IntRange(1, 8), default=None,
              help=f"WRES years published side by side, each in a process of its own (about 1 GB each at national "
                   f"size); 1 publishes one after another. The releases are the same either way. Default: "
                   f"{PUBLICATION_WORKERS} when the years to publish hold at least {PUBLICATION_WORKERS_FROM_FILES} "
                   f"landing files (a national year holds about 1,000), else 1 (a worker's start costs more than it "
                   f"saves on a small landing zone).")
@click.option("--verbose", "-v", is_flag=True, help="With a failed step's error, print its stack trace.")
@click.pass_context
def refresh(ctx, years, no_publish, force, wait, verbose, workers) -> None:
    """Load, transform and publish the WRES years whose inputs changed, with progress."""
    from orchestration.interrupts import INTERRUPTED, RefreshInterrupted
    from wres.freshness import plan_refresh
    from wres.ingest.landing import unexpected_entries, wres_years_found
    from wres.publish.release import recover_leftovers
    from wres.runlock import WarehouseBusy, writer_lock
    from wres.warehouse import snapshot_stale, try_refresh_snapshot

    s = _settings(ctx)
    found = wres_years_found(s.raw_dir, s)
    if not found:
        raise click.ClickException(f"no source files in {s.raw_dir}; run `wres generate` or point --raw-dir "
                                   f"(WRES_RAW_DIR) at a landing zone")
    missing = sorted(set(years) - set(found))
    if missing:
        raise click.ClickException(f"no files for WRES year(s) {missing} in {s.raw_dir}; found {found}")
    chosen = sorted(years) if years else found
    _print_warnings(unexpected_entries(s.raw_dir))
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread:  # SIGTERM as Ctrl-C: said in words, the lock released
        previous_handler = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with writer_lock(s.warehouse, wait_seconds=24 * 3600 if wait else 0,
                         on_wait=lambda message: console.print(message, highlight=False)):
            for message in recover_leftovers(s.publish_dir):
                console.print(Text.assemble(("recovered", "yellow"), f" {message}"))
            _fail_dead_runs(s)
            with console.status("comparing the landing zone with the warehouse and the releases…"):
                plan = plan_refresh(s, chosen, force=force, available=found)
            if plan.nothing_to_do:
                console.print(f"WRES {_span(chosen)} up to date: no file changed since the last load, and every "
                              f"release matches its inputs, code and configuration (use --force to rebuild anyway)",
                              highlight=False)
                if snapshot_stale(s):  # an earlier refresh could not refresh it
                    warning = try_refresh_snapshot(s)
                    _print_warnings([warning] if warning else [])
                    if not warning:
                        console.print("the readers' snapshot was behind the warehouse: refreshed", highlight=False)
                return
            if plan.reference:
                console.print("reference files: changed, reloading")
            if plan.ingest:
                console.print(f"WRES {_span(plan.ingest)}: files changed, loading", highlight=False)
            for year in plan.publish:
                console.print(f"WRES {year}: republishing ({plan.reasons[year]})", highlight=False)
            ok = _run_refresh(s, plan, publish=not no_publish, verbose=verbose, workers=workers)
            if snapshot_stale(s):  # the build swaps it in; this retries when that failed
                # What was published stays published: a reader holding the warehouse open only delays
                # the snapshot, a warning, retried by the next refresh.
                warning = try_refresh_snapshot(s)
                _print_warnings([warning] if warning else [])
    except WarehouseBusy as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt as exc:
        if not isinstance(exc, RefreshInterrupted):  # else its step's failure said so already
            console.print(f"wres refresh {INTERRUPTED}", highlight=False)
        sys.exit(130)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous_handler)
    if not ok:
        sys.exit(1)


def _failures_by_year(result, years: list[int]) -> dict[int, str]:
    """Each failed step's error against the years it concerns (a failed build or reference load: all)."""
    failed: dict[int, str] = {}
    for step in result.failures:
        concerned = [y for y in years if step.name.endswith(f"WRES {y}")] or years
        for year in concerned:
            failed.setdefault(year, f"{step.name}: {step.error}")
    return failed


def _fail_dead_runs(settings: Settings) -> None:
    """Dagster runs left unfinished by a process that died (a killed `wres refresh`, or a run worker of
    `dagster dev`) are marked failed, so the UI tells the truth."""
    from orchestration.runs import fail_dead_runs

    with _dagster_instance(settings) as instance:
        messages = fail_dead_runs(instance)
    for message in messages:
        console.print(Text.assemble(("recovered", "yellow"), f" {message}"))


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else (f"{years[0]}-{years[-1]}" if years == list(range(years[0], years[-1] + 1))
                                                 else ", ".join(map(str, years)))


def _print_warnings(warnings: list[str]) -> None:
    """Warnings as plain text: a path or a trust name holding "[/]" is shown, never read as markup."""
    for warning in warnings:
        console.print(Text.assemble(("warning", "yellow"), f" {printable(warning)}"), soft_wrap=True)


def _dagster_instance(settings: Settings):
    import dagster as dg

    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").touch()  # an empty one: Dagster's defaults, without its warning on every run
    return dg.DagsterInstance.get()


def _run_refresh(settings: Settings, plan, publish: bool, verbose: bool, workers: int | None) -> bool:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from orchestration.interrupts import RefreshInterrupted
    from wres.dbt import progress_listeners
    from wres.status import record_failures

    with console.status("loading the Dagster definitions…"):
        from orchestration.refresh import run_refresh
        instance = _dagster_instance(settings)
    # The steps: reference, ingest, dbt, each year's publication and the recording of their cells.
    total = int(plan.reference) + len(plan.ingest) + 1 + (len(plan.publish) + 1 if publish else 0)
    started = time.perf_counter()
    with instance, Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=console) as progress:
        overall = progress.add_task(f"refresh WRES {_span(plan.years)}", total=total)
        step_started = {}

        def on_step(name: str, state: str) -> None:
            if state == "start":
                step_started[name] = time.perf_counter()
                progress.update(overall, description=name)
                return
            mark = {"ok": ("ok", "green"), "warning": ("warning", "yellow")}.get(state, ("FAILED", "red"))
            progress.console.print(Text.assemble(" " * 6, mark, f" {name} ({time.perf_counter() - step_started[name]:.1f}s)"))
            progress.advance(overall)

        def on_dbt_progress(done: int, total_nodes: int) -> None:
            progress.update(overall, description=f"build dbt models and tests: dbt {done}/{total_nodes}")

        progress_listeners.append(on_dbt_progress)
        interrupted = None
        try:
            result = run_refresh(settings, plan.years, instance, publish=publish, on_step=on_step, plan=plan,
                                 workers=workers)
        except RefreshInterrupted as exc:  # report what was done, then stop
            result, interrupted = exc.outcome, exc
        finally:
            progress_listeners.remove(on_dbt_progress)
        progress.update(overall, description="done", completed=total)
    record_failures(settings, plan.years, _failures_by_year(result, plan.years))
    _print_warnings([w for step in result.steps for w in step.warnings]
                    + [f"WRES {y}: not republished: its indicator 3 uses the files of {y - 1}, which failed to load; "
                       f"it is republished once they load" for y in result.held_back])
    for failure in result.failures:
        console.print(Text.assemble("\n", (f"{failure.name} failed", "red"), f":\n{failure.error}"), soft_wrap=True)
        if verbose and failure.trace:
            console.print(Text(failure.trace, style="dim"), soft_wrap=True)
        console.print(f"(Dagster run {failure.run_id}" + ("" if verbose else "; --verbose prints the stack trace") + ")",
                      highlight=False)
    summary = f"refreshed in {time.perf_counter() - started:.1f}s; warehouse {settings.warehouse}"
    if publish:
        summary += f"; published {result.published or 'nothing'} to {settings.publish_dir}"
    console.print(summary, highlight=False)
    if interrupted:
        raise interrupted
    return result.ok


@main.command()
@click.pass_context
def status(ctx) -> None:
    """Per WRES year: files in the latest load and when, whether the landing zone changed since,
    the last gate result, the release, the last failure. Reads the snapshot, never the live warehouse."""
    from wres.runlock import reader_path
    from wres.status import year_statuses

    s = _settings(ctx)
    _fail_dead_runs(s)
    table = Table(title="WRES years")
    for column in ("WRES year", "in landing zone", "files in latest load", "loaded at", "changed since",
                   "last gate", "published at", "last failure"):
        table.add_column(column)
    for st in year_statuses(s):
        loaded_at = st.loaded_at.astimezone().strftime("%Y-%m-%d %H:%M %Z") if st.loaded_at else "-"
        changed = "-" if st.changed_since_load is None else ("yes: refresh" if st.changed_since_load else "no")
        table.add_row(str(st.wres_year), "yes" if st.in_landing_zone else "no",
                      str(st.files_loaded) if st.files_loaded is not None else "-", loaded_at, changed,
                      st.gate, (st.published_at or "no")[:19].replace("T", " ") + (" UTC" if st.published_at else ""),
                      Text(st.last_failure or "-"))
    stdout.print(table)
    console.print(f"landing zone {s.raw_dir}\nwarehouse {s.warehouse} (read from {reader_path(s.warehouse).name})"
                  f"\nreleases {s.publish_dir}", highlight=False)


@main.command()
@click.option("--year", "years", type=int, multiple=True, help="WRES year to check (repeatable); default: all found.")
@click.pass_context
def check(ctx, years) -> None:
    """Check landing files against their contracts without loading anything."""
    import duckdb

    from wres.ingest.landing import unexpected_entries, wres_years_found
    from wres.ingest.load import ingest_reference, ingest_year
    from wres.ingest.read import ContractError

    s = _settings(ctx)
    con = duckdb.connect()  # in memory: nothing is written to the warehouse
    failed = False
    targets: list = ["reference"] + list(years or wres_years_found(s.raw_dir, s))
    _print_warnings(unexpected_entries(s.raw_dir))
    for target in targets:
        try:
            with console.status(f"checking {'the reference files' if target == 'reference' else f'WRES {target}'}…"):
                if target == "reference":
                    ingest_reference(con, s.raw_dir)
                    warnings = []
                else:
                    warnings = ingest_year(con, s.raw_dir, target, s).warnings
            console.print(Text.assemble(("ok", "green"), f" {target}"))
            _print_warnings(warnings)
        except ContractError as exc:
            failed = True
            console.print(Text.assemble(("FAILED", "red"), f" {exc}"), soft_wrap=True)
    if failed:
        sys.exit(1)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def dbt(ctx, args) -> None:
    """Run dbt in the project with the configuration's vars, e.g. `wres dbt -- docs generate`, holding the
    warehouse's writer lock (dbt opens the warehouse to write)."""
    import duckdb

    from wres.dbt import run_dbt
    from wres.runlock import WarehouseBusy, explain_duckdb_lock, writer_lock

    s = _settings(ctx)
    try:
        with writer_lock(s.warehouse):
            code = run_dbt(list(args), s).returncode  # a build records the releases' cells first
    except WarehouseBusy as exc:
        raise click.ClickException(str(exc)) from None
    except duckdb.Error as exc:
        raise click.ClickException(explain_duckdb_lock(exc, s.warehouse) if isinstance(exc, duckdb.IOException)
                                   else f"recording the published cells before the build: {exc}") from None
    sys.exit(code)


@main.command()
@click.option("--markdown", is_flag=True, help="Print a markdown table (for a report or an issue).")
@click.option("--strict", is_flag=True, help="Exit 1 when a figure is missing or outside its tolerance.")
@click.pass_context
def calibration(ctx, markdown, strict) -> None:
    """Compare the published England figures with those of the WRES 2022 national report.

    Meant for a release built from `wres generate --scale 1.0`: the demo data is calibrated to
    the report's figures, within 2% (5% for shares of trusts).
    """
    from wres.generate.published_figures import compare_publish_dir, markdown_table

    s = _settings(ctx)
    try:
        comparison = compare_publish_dir(s.publish_dir)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    misses = comparison[comparison["within_tolerance"] != True]  # noqa: E712 (None counts as a miss)
    if markdown:
        click.echo(markdown_table(comparison))
    else:
        table = Table(title=f"Published (WRES 2022 national report) and ours: {s.publish_dir}")
        for column in ("year", "ind.", "area", "breakdown", "measure", "published", "ours", "rel. diff"):
            table.add_column(column, justify="right" if column in ("published", "ours", "rel. diff") else "left")
        for r in comparison.itertuples(index=False):
            missing = pd_isna(r.ours)
            style = "red" if missing or not r.within_tolerance else None
            table.add_row(str(r.wres_year), str(r.indicator), r.area, Text(r.breakdown), r.measure,
                          f"{r.published:g}", "" if missing else f"{r.ours:.3f}",
                          "" if missing else f"{100 * r.relative_difference:+.2f}%", style=style)
        stdout.print(table)
    console.print(f"{len(comparison) - len(misses)} of {len(comparison)} figures within tolerance")
    if strict and len(misses):
        sys.exit(1)


def pd_isna(value) -> bool:
    return value is None or value != value


QUERY_CELL_LIMIT = 1000  # characters of one cell shown by `wres query`


@main.command()
@click.argument("sql")
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to show.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300, show_default=True,
              help="Seconds the query may run before it is stopped.")
@click.pass_context
def query(ctx, sql, limit, timeout) -> None:
    """Run one read-only SQL query against the warehouse's snapshot and print the result.

    Bounded: the configuration's [duckdb] memory_limit, a timeout (--timeout), and Ctrl-C cancels it
    (wres.query runs it in a process of its own)."""
    import duckdb

    from wres import query as bounded
    from wres.runlock import reader_path

    s = _settings(ctx)
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise click.ClickException(_lines(exc)) from None
    if not statements:
        raise click.ClickException("the query holds no SQL statement (it is empty, or only ';' or comments); "
                                   "give one, e.g. wres query \"select 1\"")
    if len(statements) > 1:
        raise click.ClickException(f"the query holds {len(statements)} statements; `wres query` runs one at a "
                                   f"time (run each separately)")
    source = reader_path(s.warehouse)
    if not source.exists():
        raise click.ClickException(f"no warehouse at {s.warehouse}; run `wres refresh` first")
    try:
        result = bounded.run(s, sql, limit, timeout)
    except KeyboardInterrupt:
        console.print("the query was cancelled (Ctrl-C)", highlight=False)
        sys.exit(130)
    except (bounded.QueryFailed, bounded.QueryTimedOut) as exc:
        raise click.ClickException(_lines(exc)) from None
    # Values are shown as plain text: a cell holding "[/]" or "[bold]" is data, not markup, and a
    # control character (an escape sequence, a newline) is shown escaped, never sent to the terminal.
    table = Table()
    for column in result.columns:
        table.add_column(Text(printable(column, QUERY_CELL_LIMIT)))
    for row in result.rows:
        table.add_row(*(Text("" if v is None else printable(v, QUERY_CELL_LIMIT)) for v in row))
    stdout.print(table)


def _lines(exc: Exception) -> str:
    """An error's text, line by line, with the control characters of each line escaped."""
    return "\n".join(printable(line) for line in str(exc).splitlines())


if __name__ == "__main__":
    main()
