"""No import cycles between bloc's modules.

A cycle makes the order of imports matter and hides which of two modules is the
lower one; docs/architecture.md gives each folder a place in one order, and
within a folder the same should hold module by module. This test builds the
graph of every import of every module (those inside functions too) and fails
on each strongly connected group of two or more modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bloc

PACKAGE = Path(bloc.__file__).parent


def modules(root: Path) -> dict[str, Path]:
    """Every module under `root` by dotted name (packages by their own name)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = ["bloc", *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def edges(root: Path) -> dict[str, set[str]]:
    """Module -> the bloc modules it imports (a name imported from a package counts as
    the submodule when there is one by that name, else as the package itself)."""
    known = modules(root)
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    origin = ".".join([*base, node.module] if node.module else base)
                else:
                    origin = node.module or ""
                for alias in node.names:
                    sub = f"{origin}.{alias.name}"
                    targets.append(sub if sub in known else origin)
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("bloc"):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_no_import_cycles() -> None:
    assert cycles(edges(PACKAGE)) == []


def test_a_cycle_is_caught(tmp_path: Path) -> None:
    """The check can fail: two modules importing each other (one inside a function)."""
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "__init__.py").write_text("")
    (tmp_path / "text" / "a.py").write_text("from bloc.text import b\n")
    (tmp_path / "text" / "b.py").write_text("def f():\n    from . import a\n    return a\n")
    assert cycles(edges(tmp_path)) == [["bloc.text.a", "bloc.text.b"]]
