"""`make bench`: the product against the floor on one landing zone.

    python -m bench --scale 0.1 [--seed N] [--raw DIR] [--out-root data/bench]

1. The landing zone: `wres generate --scale S --seed N` into `<out-root>/<scale>/raw`, reused
   while the scale, the seed and the generator's code are unchanged (`raw.json` records them);
   or `--raw DIR`, an existing landing zone, only read.
2. A fresh run folder `<out-root>/<scale>/run/`: the landing zone linked in (hard links where
   the file system allows, else copies; a file the benchmark revises is replaced, never
   written through a link), an empty warehouse, publish folder and DAGSTER_HOME.
3. Four measurements, each one child process (so its memory is its own):
   floor (bench/floor.py), full refresh (`wres refresh` on the empty warehouse), no-change
   refresh (the same command again), one revised return (a trust resubmits its WRES 2022
   workforce section with one headcount changed, as a new submission file, then `wres refresh`).
4. The table, printed and written to `<out-root>/<scale>/results.md` and `results.json`;
   each child's output is in `run/logs/`.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.pattern import pattern_changes, pattern_lines
from bench.report import (COLUMNS, FLOOR, FULL, MEMORY_NOTE, NO_CHANGE, REVISED, BenchResult, Measurement, loss_lines,
                          rows, to_json, to_markdown)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATOR_CODE = PROJECT_ROOT / "wres" / "generate"
DEFAULT_SEED = 2022  # wres.toml [generator] default_seed
REVISED_YEAR = 2022
REVISED_SECTION = "workforce"
PAGE = os.sysconf("SC_PAGE_SIZE")


# --- measuring one child process -------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, split after the last ')'.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _memory_bytes(pid: int) -> int:
    """A process's proportional set size (its private pages plus its share of the pages it shares,
    so a tree's sum counts shared libraries once), else its resident set; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def tree_pss_bytes(pid: int) -> int:
    """The memory of `pid` and all its descendants now, summed (PSS where the kernel gives it)."""
    children = _children_map()
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _memory_bytes(p)
        stack.extend(children.get(p, []))
    return total


def measure(name: str, command: list[str], env: dict[str, str], log: Path, interval: float = 0.1) -> Measurement:
    """Run `command` as one child; wall time, its tree's CPU time and peak memory.

    os.wait4 gives the rusage of the child with every descendant it waited for: CPU as
    ru_utime + ru_stime, ru_maxrss as the largest single process. A thread samples the
    summed memory (PSS) of the live tree meanwhile."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_pss_bytes(child.pid))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(name=name, wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime,
                       peak_rss_bytes=usage.ru_maxrss * 1024, tree_pss_bytes=peak,
                       returncode=child.returncode, note=_last_line(log))


def _last_line(log: Path) -> str:
    """The child's last line of output, without the progress bars' control sequences."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", log.read_text(errors="replace"))
    lines = [ln.strip() for ln in re.split(r"[\r\n]+", text) if ln.strip()]
    return lines[-1][:300] if lines else ""


# --- the landing zone --------------------------------------------------------------------------

def generator_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(GENERATOR_CODE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(GENERATOR_CODE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cached_landing_zone(folder: Path, scale: float, seed: int, wres: str) -> tuple[Path, str]:
    """`folder/raw`, generated unless the stamp says it holds this scale, seed and generator."""
    raw, stamp = folder / "raw", folder / "raw.json"
    wanted = {"scale": scale, "seed": seed, "generator": generator_fingerprint()}
    if raw.is_dir() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return raw, "reused"
    shutil.rmtree(raw, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    print(f"generating the landing zone at scale {scale} (seed {seed}) into {raw} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([wres, "generate", "--scale", str(scale), "--seed", str(seed), "--out", str(raw)],
                   check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    stamp.write_text(json.dumps(wanted, indent=2) + "\n")
    return raw, f"generated in {time.perf_counter() - started:.0f} s"


def link_tree(source: Path, target: Path) -> None:
    """A copy of `source` at `target` made of hard links (copies across file systems)."""
    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy)


def revise_return(raw: Path, year: int = REVISED_YEAR, section: str = REVISED_SECTION) -> str:
    """A trust resubmits one section of its return: a new submission file beside the old one,
    submitted a day later, every row the same but one headcount (the largest) up by one.
    The trust is the first by code with a file of that section; returns what was done."""
    folder = raw / "dcf" / str(year)
    files = sorted(folder.glob(f"{section}__*.csv"))
    if not files:
        raise SystemExit(f"no {section} section files in {folder}: cannot revise a return")
    submissions = {p: _read(p) for p in files}
    org = next((records[0]["org_code"] for _, records in submissions.values() if records), None)
    own = [p for p, (_, records) in submissions.items() if records and records[0]["org_code"] == org]
    latest = max(own, key=lambda p: (submissions[p][1][0]["submitted_at"], submissions[p][1][0]["submission_id"]))
    header, records = submissions[latest]
    number = 1 + max(int(m.group(1)) for p in own if (m := re.search(r"-(\d+)$", p.stem)))
    submission_id = f"WRES{year}-{org}-{number:02d}"
    submitted_at = (datetime.fromisoformat(records[0]["submitted_at"]) + timedelta(days=1)).isoformat(timespec="seconds")
    count = "headcount" if "headcount" in header else next(h for h in header if h not in (
        "org_code", "submission_id", "submitted_at", "staff_group", "pay_band", "ethnicity_group", "board_role", "voting"))
    changed = max(range(len(records)), key=lambda i: int(records[i][count]))
    records[changed][count] = str(int(records[changed][count]) + 1)
    for record in records:
        record["submission_id"], record["submitted_at"] = submission_id, submitted_at
    target = folder / f"{section}__{submission_id}.csv"
    with open(target.with_suffix(".tmp"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    os.replace(target.with_suffix(".tmp"), target)
    return (f"{target.relative_to(raw)} replaces {latest.name} ({org}: {count} of data row {changed + 1} "
            f"+1 to {records[changed][count]})")


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


# --- the run -----------------------------------------------------------------------------------

def print_table(result: BenchResult) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # rich comes with the project; plain markdown otherwise
        print(to_markdown(result))
        return
    table = Table(title=f"make bench, scale {result.scale} ({result.landing_zone})")
    for i, column in enumerate(COLUMNS):
        table.add_column(column, justify="left" if i in (0, len(COLUMNS) - 1) else "right",
                         overflow="fold")
    for row in rows(result):
        table.add_row(*row)
    console = Console(width=max(160, shutil.get_terminal_size().columns))
    console.print(table)
    console.print(MEMORY_NOTE, style="dim", highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="The product against the floor.")
    parser.add_argument("--scale", default="1.0", help="landing zone size (1.0 = national); default 1.0")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed; default {DEFAULT_SEED}")
    parser.add_argument("--raw", type=Path, default=None,
                        help="an existing landing zone to use instead of generating one (only read)")
    parser.add_argument("--out-root", type=Path, default=PROJECT_ROOT / "data" / "bench")
    args = parser.parse_args(argv)

    scale = float(args.scale)
    folder = args.out_root / args.scale
    folder.mkdir(parents=True, exist_ok=True)
    wres = str(Path(sys.executable).parent / "wres")
    if args.raw is not None:
        source, how = args.raw.resolve(), "given"
        if not (source / "reference" / "etr.csv").exists():
            raise SystemExit(f"{source} is not a landing zone (no reference/etr.csv)")
    else:
        source, how = cached_landing_zone(folder, scale, args.seed, wres)

    run = folder / "run"
    shutil.rmtree(run, ignore_errors=True)
    raw, logs = run / "raw", run / "logs"
    link_tree(source, raw)
    dagster_home = run / "dagster_home"
    dagster_home.mkdir(parents=True)
    shutil.copy2(PROJECT_ROOT / "data" / "dagster_home" / "dagster.yaml", dagster_home / "dagster.yaml")
    env = dict(os.environ, DAGSTER_HOME=str(dagster_home), DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               NO_COLOR="1", TERM="dumb", COLUMNS="200")
    refresh = [wres, "--raw-dir", str(raw), "--warehouse", str(run / "warehouse" / "wres.duckdb"),
               "--publish-dir", str(run / "published"), "refresh"]

    result = BenchResult(scale=args.scale, landing_zone=f"{source} ({how})", measurements=[], context={
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": _git(["rev-parse", "--short", "HEAD"]),
    })
    steps = [
        (FLOOR, [sys.executable, "-m", "bench.floor", "--raw-dir", str(raw), "--out", str(run / "floor.parquet")]),
        (FULL, refresh),
        (NO_CHANGE, refresh),
        (REVISED, refresh),
    ]
    for name, command in steps:
        if name == REVISED:
            shutil.copytree(run / "published" / str(REVISED_YEAR), run / "before_revision")
            result.context["revised"] = revise_return(raw)
        print(f"measuring {name} ...", flush=True)
        m = measure(name, command, env, logs / f"{name.replace(' ', '_')}.log")
        print(f"  {m.wall_s:.1f} s wall, {m.cpu_s:.1f} s CPU, exit {m.returncode}: {m.note}", flush=True)
        result.measurements.append(m)

    print_table(result)
    revised_org = re.search(r"\((\w+): ", result.context.get("revised", ""))
    if revised_org and (run / "published" / str(REVISED_YEAR)).exists():
        changes = pattern_changes(run / "before_revision", run / "published" / str(REVISED_YEAR), revised_org.group(1))
        result.context["pattern_after_revision"] = pattern_lines(changes, revised_org.group(1))
        print("\n".join(result.context["pattern_after_revision"]))
    # What disclosure control cost, from the releases the full refresh wrote (the last run's).
    manifests = {int(m.parent.name): json.loads(m.read_text(encoding="utf-8"))
                 for m in sorted((run / "published").glob("[0-9]*/manifest.json"))}
    result.context["information_loss"] = loss_lines(manifests)
    print("\n".join(result.context["information_loss"]))
    (folder / "results.md").write_text(to_markdown(result))
    (folder / "results.json").write_text(to_json(result))
    print(f"written {folder / 'results.md'} and {folder / 'results.json'}; logs in {logs}")
    return 0 if all(m.returncode == 0 for m in result.measurements) else 1


def _git(args: list[str]) -> str:
    try:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
