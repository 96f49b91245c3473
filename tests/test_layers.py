"""The folders of `bloc` are layered in data-flow order: no module imports from a later stage.

docs/architecture.md gives the order; this test reads every module's imports
(those inside functions too) and fails on any that reaches upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bloc

PACKAGE = Path(bloc.__file__).parent

# Lowest first; a module may import from its own stage and any before it.
STAGES = (
    ("errors", "core", "model"),
    ("knowledge",),
    ("text",),
    ("store",),
    ("ingest",),
    ("measures",),
    ("simulate",),
    ("alerts",),
    ("api",),
    ("web",),
    ("cli", "__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def stage(module: str) -> str:
    """The stage of a dotted module name inside bloc ("bloc.text.coder" -> "text")."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported(source: str, module: str) -> list[str]:
    """The bloc modules a module's source imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "bloc"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name == "bloc":  # "from bloc import measures": each name is a module
                found += [f"bloc.{a.name}" for a in node.names]
            elif name.split(".")[0] == "bloc":
                found.append(name)
    return found


def upward(root: Path) -> list[str]:
    """Every import under `root` (a bloc package folder) that reaches a later stage."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        module = ".".join(["bloc", *relative.parts])
        if relative.name == "__init__" and len(relative.parts) > 1:
            module = module.removesuffix(".__init__")
        own = stage(module)
        assert own in RANK, f"{path}: stage {own!r} is not in STAGES; add it"
        for target in imported(path.read_text(encoding="utf-8"), module):
            other = stage(target)
            if RANK.get(other, -1) > RANK[own]:
                problems.append(f"{module} ({own}) imports {target} ({other})")
    return problems


def test_no_module_imports_from_a_later_stage() -> None:
    assert upward(PACKAGE) == []


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    """The check itself can fail: a text module reaching into the store is reported."""
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "coder.py").write_text(
        "def f():\n    from bloc.store import opened\n    return opened\n"
    )
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "db.py").write_text("from bloc.text import coder\n")
    assert upward(tmp_path) == ["bloc.text.coder (text) imports bloc.store (store)"]
