"""How text/ is laid out: an engine plus language folders, with no import cycle.

- No Python module under src/bloc outside text/lang/ru holds a Cyrillic character
  (Russian words, patterns and examples live in that folder as data).
- No module of text/ outside text/lang holds an English word list, defined as: a
  tuple, list, set or dict-key literal with 4 or more strings that are lower-case
  words (^[a-z]+$) other than the adapter's UD relations and the lexicon's own field
  and word-class names; or a string holding a regular-expression alternation of 3 or
  more words ("football|soccer|match").
(No import cycle, in text/ or anywhere in the package: tests/test_cycles.py.)
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bloc.text import lexicon, parse

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "bloc"
TEXT = PACKAGE / "text"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
WORD = re.compile(r"^[a-z]+$")
ALTERNATION = re.compile(r"[A-Za-z]{2,}(?:\|[A-Za-z]{2,}){2,}")


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _cyrillic(area: str) -> set[str]:
    found = set()
    for path in _modules(PACKAGE):
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith("text/lang/ru/") or name.startswith("text/") != (area == "text"):
            continue
        if CYRILLIC.search(path.read_text(encoding="utf-8")):
            found.add(name)
    return found


def test_no_module_of_text_outside_the_russian_folder_holds_cyrillic() -> None:
    assert _cyrillic("text") == set()


def test_no_module_outside_text_holds_cyrillic() -> None:
    """Russian data outside text/ (the knowledge base's Russian names, the starter feeds)
    lives in YAML files, which this check does not read."""
    assert _cyrillic("other") == set()


def _word_lists(path: Path) -> list[str]:
    allowed = {r.split(":")[0] for r in parse.RELATIONS}
    allowed |= {*lexicon.WORDS, *lexicon.MORE_WORDS, *lexicon.KEYS}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items: list[ast.expr | None] = []
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = list(node.elts)
        elif isinstance(node, ast.Dict):
            items = list(node.keys)
        words = [
            e.value
            for e in items
            if isinstance(e, ast.Constant)
            and isinstance(e.value, str)
            and WORD.match(e.value)
            and e.value not in allowed
        ]
        if len(words) >= 4:
            found.append(f"line {node.lineno}: {words}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"line {node.lineno}: {a}" for a in ALTERNATION.findall(node.value)]
    return found


def test_no_module_of_text_outside_the_language_folders_holds_english_word_lists() -> None:
    found = {
        path.relative_to(TEXT).as_posix(): lists
        for path in _modules(TEXT)
        if not path.relative_to(TEXT).as_posix().startswith("lang/")
        and (lists := _word_lists(path))
    }
    assert found == {}


def test_the_word_list_check_finds_lists_and_alternations(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'A = ("in", "at", "amod", "nsubj")\n'
        'B = frozenset({"country", "side", "state", "nation"})\n'
        'C = r"\\b(?:football|soccer|match)\\b"\n',
        encoding="utf-8",
    )
    assert sorted(line.split(":")[0] for line in _word_lists(sample)) == ["line 2", "line 3"]
