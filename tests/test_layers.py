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
