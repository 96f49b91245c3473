"""English inflection: every form a lemma may take in text, for the cheap gate."""

from __future__ import annotations

_IRREGULAR = {
    "send": ("sent",), "give": ("gave", "given"), "take": ("took", "taken"), "meet": ("met",),
    "fight": ("fought",), "seek": ("sought",), "hold": ("held",), "shoot": ("shot",),
    "freeze": ("froze", "frozen"), "withdraw": ("withdrew", "withdrawn"),
    "strike": ("struck", "stricken"), "break": ("broke", "broken"), "leave": ("left",),
    "begin": ("began", "begun"), "beat": ("beaten",), "blow": ("blew", "blown"),
    "forgive": ("forgave", "forgiven"), "lead": ("led",), "lend": ("lent",), "quit": ("quit",),
    "cut": ("cut",), "speed": ("sped",), "undertake": ("undertook", "undertaken"),
    "arise": ("arose", "arisen"), "forbid": ("forbade", "forbidden"), "buy": ("bought",),
    "bring": ("brought",), "deal": ("dealt",), "win": ("won",), "tell": ("told",),
    "say": ("said",), "go": ("went", "gone"), "keep": ("kept",), "make": ("made",),
    "pay": ("paid",), "rise": ("rose", "risen"), "draw": ("drew", "drawn"),
}  # fmt: skip


def inflections(lemma: str, pos: str) -> set[str]:
    """Every form a word may take in text (over-generating is harmless for a gate)."""
    out = {lemma}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        out.add(lemma + "es")
    else:
        out.add(lemma + "s")
    if pos == "verb":
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        out |= {stem + "ed", stem + "ing", lemma + "d"}
        if len(lemma) > 2 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou":
            out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
        out |= set(_IRREGULAR.get(lemma, ()))
    return out
