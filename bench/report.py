"""The benchmark's table: each measurement beside the floor and the issue's goals (pure functions).

A measurement holds wall time, CPU time (user + system of the whole process tree) and peak
memory; `rows` turns them into the printed table, `to_markdown` and `to_json` into the files
written beside it. Nothing here runs or times anything.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

MIB = 1024 * 1024

FLOOR = "floor"
FULL = "full refresh"
NO_CHANGE = "no-change refresh"
REVISED = "one revised return"
ORDER = (FLOOR, FULL, NO_CHANGE, REVISED)

# How memory is measured, printed under the table.
MEMORY_NOTE = (
    "peak RSS: the largest resident set of any one process of the measured tree, from the "
    "rusage os.wait4 returns for the measured child (ru_maxrss, its waited-for descendants "
    "included); tree PSS: the largest sum of the proportional set sizes (PSS: shared pages "
    "counted once) of the child and all its live descendants, sampled from /proc/<pid>/smaps_rollup "
    "every 0.1 s (short spikes between samples are missed). "
    "CPU: ru_utime + ru_stime of the same rusage (the child and every descendant it waited for).")


@dataclass
class Measurement:
    name: str
    wall_s: float
    cpu_s: float            # user + system, the child and its waited-for descendants
    peak_rss_bytes: int     # ru_maxrss: the largest single process of the tree
    tree_pss_bytes: int     # sampled: the largest sum of PSS over the live tree at one moment
    returncode: int = 0
    note: str = ""

    @property
    def peak_memory_bytes(self) -> int:
        """The memory the goal is judged on: the larger of the two measures."""
        return max(self.peak_rss_bytes, self.tree_pss_bytes)


@dataclass(frozen=True)
class Goal:
    measurement: str        # a measurement name, or "*" for every product measurement
    metric: str             # "wall_s" or "peak_memory_bytes"
    limit: float
    relative_to_floor: bool  # limit is a multiple of the floor's value of the metric
    label: str


# The goals of the issue "A benchmark in the repo".
GOALS = (
    Goal(REVISED, "wall_s", 15.0, False, "wall <= 15 s"),
    Goal(NO_CHANGE, "wall_s", 10.0, False, "wall <= 10 s"),
    Goal(FULL, "wall_s", 4.0, True, "wall <= 4x floor"),
    Goal("*", "peak_memory_bytes", 1024 * MIB, False, "memory <= 1 GB"),
)


@dataclass
class GoalResult:
    label: str
    limit: float            # absolute: seconds or bytes
    value: float
    met: bool


@dataclass
class BenchResult:
    scale: str
    landing_zone: str
    measurements: list[Measurement]
    context: dict = field(default_factory=dict)  # machine, versions, revised file, ...

    def by_name(self, name: str) -> Measurement | None:
        return next((m for m in self.measurements if m.name == name), None)


def ratio(value: float | None, floor: float | None) -> float | None:
    """value / floor, or None when either is missing or the floor is zero."""
    if value is None or not floor:
        return None
    return value / floor


def goals_for(m: Measurement, floor: Measurement | None, goals=GOALS) -> list[GoalResult]:
    """The goals that apply to measurement `m`, each with its absolute limit and whether it is met.
    The floor has no goals; a relative goal without a floor measurement is skipped."""
    if m.name == FLOOR:
        return []
    found = []
    for goal in goals:
        if goal.measurement not in (m.name, "*"):
            continue
        if goal.relative_to_floor:
            if floor is None:
                continue
            limit = goal.limit * getattr(floor, goal.metric)
        else:
            limit = goal.limit
        value = getattr(m, goal.metric)
        found.append(GoalResult(goal.label, limit, value, m.returncode == 0 and value <= limit))
    return found


def fmt_seconds(s: float) -> str:
    return f"{s:,.1f} s"


def fmt_mib(b: float) -> str:
    return f"{b / MIB:,.0f} MiB"


def fmt_ratio(r: float | None) -> str:
    return "-" if r is None else f"{r:,.1f}x"


def fmt_goal(g: GoalResult, metric: str) -> str:
    limit = fmt_seconds(g.limit) if metric == "wall_s" else fmt_mib(g.limit)
    return f"{g.label} ({limit}): {'met' if g.met else 'MISSED'}"


COLUMNS = ("measurement", "wall", "x floor", "CPU", "x floor", "peak RSS", "x floor", "tree PSS", "x floor", "goals")


def rows(result: BenchResult) -> list[list[str]]:
    """The table: one row per measurement, in ORDER, every value beside its ratio to the floor."""
    floor = result.by_name(FLOOR)
    table = []
    for name in ORDER:
        m = result.by_name(name)
        if m is None:
            continue
        goals = goals_for(m, floor)
        metric_of = {g.label: g.metric for g in GOALS}
        label = m.name if m.returncode == 0 else f"{m.name} (exit {m.returncode})"
        table.append([
            label,
            fmt_seconds(m.wall_s), fmt_ratio(ratio(m.wall_s, floor and floor.wall_s)),
            fmt_seconds(m.cpu_s), fmt_ratio(ratio(m.cpu_s, floor and floor.cpu_s)),
            fmt_mib(m.peak_rss_bytes), fmt_ratio(ratio(m.peak_rss_bytes, floor and floor.peak_rss_bytes)),
            fmt_mib(m.tree_pss_bytes), fmt_ratio(ratio(m.tree_pss_bytes, floor and floor.tree_pss_bytes)),
            "; ".join(fmt_goal(g, metric_of[g.label]) for g in goals) or "-",
        ])
    return table


def to_markdown(result: BenchResult) -> str:
    def line(cells) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    numeric = [False] + [True] * (len(COLUMNS) - 2) + [False]
    out = [f"## Benchmark at scale {result.scale}", "", f"Landing zone: `{result.landing_zone}`", "",
           line(COLUMNS), line(["---:" if n else "---" for n in numeric])]
    out.extend(line(r) for r in rows(result))
    out += ["", MEMORY_NOTE]
    notes = [(m.name, m.note) for m in result.measurements if m.note]
    if notes:
        out += [""] + [f"- {name}: {note}" for name, note in notes]
    listed = ("information_loss", "pattern_after_revision")
    context = {k: v for k, v in result.context.items() if k not in listed}
    if context:
        out += ["", "Context: " + "; ".join(f"{k} {v}" for k, v in context.items())]
    if result.context.get("information_loss"):
        out += ["", "What disclosure control cost:", ""] + [f"- {line}" for line in result.context["information_loss"]]
    if result.context.get("pattern_after_revision"):
        out += ["", "What the revised return changed:", ""] + [f"- {line}" for line in
                                                               result.context["pattern_after_revision"]]
    return "\n".join(out) + "\n"


def loss_lines(manifests: dict[int, dict]) -> list[str]:
    """What disclosure control cost, per year, from each release manifest's `information_loss`
    (wres.disclosure.loss): cells hidden as secondary, by tier, and per level the headline
    (tier-1) figures hidden as secondary and the share published of those no primary reason hides."""
    out = []
    for year in sorted(manifests):
        loss = manifests[year].get("information_loss")
        if not loss:
            continue
        secondary = {}
        for h in loss["hidden"]:
            if h["reason"] == "secondary":
                secondary[h["tier"]] = secondary.get(h["tier"], 0) + h["cells"]
        tiers = ", ".join(f"tier {t} {n:,}" for t, n in sorted(secondary.items())) or "none"
        levels = "; ".join(f"{level} {t['hidden_secondary']:,} secondary, {_share(t)} published"
                           for level, t in loss["tier1"]["by_level"].items())
        out.append(f"WRES {year}: {sum(secondary.values()):,} cells hidden as secondary ({tiers}); "
                   f"headline figures: {levels}")
    return out


def _share(tier1: dict) -> str:
    share = tier1["share_published_of_not_primary"]
    return "-" if share is None else f"{share:.1%}"


def to_json(result: BenchResult) -> str:
    floor = result.by_name(FLOOR)
    measurements = []
    for m in result.measurements:
        entry = asdict(m)
        entry["peak_memory_bytes"] = m.peak_memory_bytes
        entry["ratio_to_floor"] = {metric: ratio(getattr(m, metric), floor and getattr(floor, metric))
                                   for metric in ("wall_s", "cpu_s", "peak_rss_bytes", "tree_pss_bytes")}
        entry["goals"] = [asdict(g) for g in goals_for(m, floor)]
        measurements.append(entry)
    return json.dumps({"scale": result.scale, "landing_zone": result.landing_zone, "memory": MEMORY_NOTE,
                       "measurements": measurements, "context": result.context}, indent=2) + "\n"
