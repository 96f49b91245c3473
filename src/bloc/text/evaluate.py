"""Measure the coder against hand-annotated gold events.

Gold is a YAML list of articles, each with its events as (source, type,
target, date) tuples. A coded event matches a gold event of the same article
when source, target and type are equal and the dates agree at the coarser of
the two precisions (a gold "2022-09" matches a coded 2022-09-13).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bloc.core.dated import Precision
from bloc.core.events import CodedEvent
from bloc.core.rules import same_time
from bloc.knowledge import parse_date
from bloc.model import Document
from bloc.text.pipeline import process
from bloc.text.read import from_bytes

Key = tuple[str, str, str, tuple[dt.date, Precision]]


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[tuple[str, Key]] = field(default_factory=list)
    spurious: list[tuple[str, Key, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["articles"])


def _key(source: str, type_: str, target: str, when: Any) -> Key:
    return (source, type_, target, parse_date(when))


def score(gold_path: Path, articles_dir: Path) -> Score:
    """Run the pipeline on each gold article and compare, article by article."""
    total = Score()
    for article in load_gold(gold_path):
        path = articles_dir / article["file"]
        published = parse_date(article["published"])[0]
        read = from_bytes(str(path), path.read_bytes(), published, html=False)
        docs = [read] if isinstance(read, Document) else []
        coded: list[CodedEvent] = list(process(docs[0]).events) if docs else []
        gold = [_key(e["source"], e["type"], e["target"], e["date"]) for e in article["events"]]
        predicted = {(e.source, e.type, e.target, (e.date, e.precision)): e.sentence for e in coded}
        matched: set[int] = set()
        for key, sentence in predicted.items():
            hit = next(
                (
                    i
                    for i, g in enumerate(gold)
                    if i not in matched and g[:3] == key[:3] and same_time(g[3], key[3])
                ),
                None,
            )
            if hit is None:
                total.spurious.append((article["file"], key, sentence))
            else:
                matched.add(hit)
        total.true_positives += len(matched)
        total.predicted += len(predicted)
        total.gold += len(gold)
        total.misses += [(article["file"], g) for i, g in enumerate(gold) if i not in matched]
    return total
