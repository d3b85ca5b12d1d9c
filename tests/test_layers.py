"""The layers of the code: `wres/` is pure and imports nothing from `orchestration/`, and no module
imports another that imports it back (imports inside functions included)."""

import ast
from pathlib import Path

from wres.config import PROJECT_ROOT

PACKAGES = ("wres", "orchestration")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    modules = {module_name(p): p for package in PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import submodule` depends on the submodule, not on the package's __init__.
                submodules = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
                names = [a for a in node.names if f"{node.module}.{a.name}" not in modules]
                targets = submodules + ([node.module] if names else [])
            found |= {t for t in targets if t in modules and t != name}
        graph[name] = found
    return graph


def test_wres_imports_nothing_from_orchestration():
    arrows_up = sorted((a, b) for a, targets in imports().items() if a.startswith("wres")
                       for b in targets if b.startswith("orchestration"))
    assert arrows_up == []


def test_no_import_cycles():
    graph = imports()
    cycles = []

    def visit(node, path, on_path):
        for nxt in sorted(graph[node]):
            if nxt in on_path:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in done:
                on_path.add(nxt)
                visit(nxt, path + [nxt], on_path)
                on_path.discard(nxt)
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start], {start})
    assert cycles == []


def package_of(module: str) -> str:
    """`wres.quality.gate` -> `wres.quality`; a top-level module is its own package (`wres.config`)."""
    return ".".join(module.split(".")[:2])


def test_no_package_cycles():
    """Packages depend one way: e.g. publication runs the quality gate, the gate never imports publication."""
    edges: dict[str, set[str]] = {}
    for module, targets in imports().items():
        edges.setdefault(package_of(module), set()).update(
            package_of(t) for t in targets if package_of(t) != package_of(module))
    cycles = sorted((a, b) for a, targets in edges.items() for b in targets
                    if a < b and _reaches(edges, b, a))
    assert cycles == []


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


def test_no_settings_read_at_import(tmp_path):
    """Importing every module, the Dagster definitions included, reads no configuration: with WRES_CONFIG
    naming a file that does not exist, any read would fail. Settings are built by the entry points."""
    import os
    import subprocess
    import sys

    modules = sorted(imports())
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\nprint('imported', len(sys.argv) - 1)"
    env = {**os.environ, "WRES_CONFIG": str(tmp_path / "missing.toml")}
    result = subprocess.run([sys.executable, "-c", code, *modules], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == f"imported {len(modules)}"
    # And the configuration file is read by functions only: no module calls load_settings at its top level.
    for name, path in {module_name(p): p for package in PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py")}.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        calls = [c.func for n in top_level for c in ast.walk(n) if isinstance(c, ast.Call)]
        assert not [f for f in calls if getattr(f, "id", getattr(f, "attr", None)) == "load_settings"], name


FACTORY = "wres.warehouse"


def test_no_warehouse_connection_opened_outside_the_factory():
    """Every connection to a DuckDB file goes through wres.warehouse (memory limit, read-only or writer,
    writer lock); elsewhere only in-memory connections, `duckdb.connect()`, are opened."""
    found = []
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            if module_name(path) == FACTORY:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb"
                        and (node.args or node.keywords)):
                    found.append(f"{module_name(path)}:{node.lineno}")
    assert found == []


def test_a_release_reads_marts_only():
    """What publication, its gate and the report read of the warehouse is a mart (so the release's
    lineage in Dagster is its marts): no intermediate or staging relation named in their code."""
    import re

    from wres.release_contents import RELEASE_TABLES

    assert all(relation.startswith("marts.") for relation in RELEASE_TABLES.values())
    named = set()
    for package in ("publish", "quality", "report", "disclosure"):
        for path in sorted((PROJECT_ROOT / "wres" / package).rglob("*.py")):
            named |= {(path.name, m) for m in re.findall(r"\b(?:intermediate\.int_|staging\.stg_)[a-z_0-9]+",
                                                          path.read_text(encoding="utf-8"))}
    assert named == set(), named


def test_dbt_models_read_only_their_sources_and_refs():
    """A dbt model reads the warehouse through `source()` and `ref()` only, never a file behind dbt's back
    (the cells of earlier releases are the source published.release_cells, not the release folders), so
    that dbt's and Dagster's lineage show every input."""
    import re

    found = []
    for folder in ("models", "macros"):
        for path in sorted((PROJECT_ROOT / "dbt_project" / folder).rglob("*.*")):
            if path.suffix in (".sql", ".py"):
                text = path.read_text(encoding="utf-8")
                found += [f"{path.name}: {m}" for m in re.findall(
                    r"read_(?:parquet|csv(?:_auto)?|json(?:_auto)?)\s*\(|var\(\s*['\"]publish_dir|open\(|Path\(", text)]
    assert found == []
