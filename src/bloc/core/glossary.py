"""Plain words for the codes the model keeps: PLOVER types, treaty provisions, threats,
outcomes, alliance names.

The store, the measures and the simulator keep short codes (`REQUEST`, `art4`,
`collective_defence`, `incursion`, `kgz-1999`) because scripts and tests rely
on them; a person reads sentences. This glossary is the one place that turns a
code into words, so the dashboard, the report and the simulator's reasons say
the same thing ("Article 4 (collective defence)", "an incursion", "the 1999
Kyrgyz request: nothing done"). Pure: no I/O.
"""

from __future__ import annotations

from bloc.core.events import PLOVER_TYPES

TYPES: dict[str, str] = {
    "AGREE": "agreed: joined, signed or accepted",
    "CONSULT": "met or talked: a summit, visit, call or mission",
    "SUPPORT": "backed: welcomed, praised or endorsed",
    "CONCEDE": "gave way: eased a demand or made a concession",
    "COOPERATE": "worked together: a joint exercise or programme",
    "AID": "gave help: troops, arms, money or relief",
    "RETREAT": "pulled back: withdrew forces or a measure",
    "REQUEST": "asked: for help, or invoked a treaty article",
    "ACCUSE": "blamed or criticised",
    "REJECT": "refused: declined, boycotted, froze or left",
    "THREATEN": "warned of consequences",
    "PROTEST": "protested: demonstrations or formal protest",
    "SANCTION": "punished: suspended, expelled, cut ties or embargoed",
    "MOBILIZE": "readied forces: mobilised or put troops on alert",
    "COERCE": "coerced: seized, blockaded or arrested",
    "ASSAULT": "attacked with force",
}
"""What each PLOVER type means, in a few words (the project's codebook: DESIGN.md)."""

assert set(TYPES) == set(PLOVER_TYPES), "every PLOVER type needs its plain words"

PROVISION_KINDS: dict[str, str] = {
    "collective_defence": "collective defence",
    "consultation": "consultation",
    "non_interference": "non-interference",
    "internal_crisis": "internal crises",
}

THREATS: dict[str, str] = {
    "external": "an external attack",
    "abroad": "an attack on its forces abroad",
    "clash": "an armed clash with another member",
    "internal": "internal unrest",
    "incursion": "an incursion",
    # the knowledge base's words for the same kinds of threat
    "external attack": "an external attack",
    "member clash": "an armed clash with another member",
    "internal unrest": "internal unrest",
}

OUTCOMES: dict[str, str] = {
    "deployment": "troops deployed",
    "mission": "a mission sent",
    "statement": "a statement only",
    "nothing": "nothing done",
}

SHORT_NAMES: dict[str, str] = {"WARSAW": "Warsaw Pact", "RIO": "Rio Treaty"}
"""Alliances known by a name rather than by their code."""

SPOKEN = {"NATO", "ANZUS", "SEATO", "CENTO"}
"""Acronyms said as words, which English writes without "the" (NATO, but the CSTO)."""


def type_words(code: str) -> str:
    """What a PLOVER type means ("asked: for help, ..."); an unknown code as it is."""
    return TYPES.get(code.upper(), code)


def provision(article: str, kind: str | None = None) -> str:
    """A treaty provision as a reader names it: "Article 4 (collective defence)".

    `article` is the provision's article as the knowledge base gives it ("4",
    "IV(1)", "Council decision of December 2010"); a number or a Roman numeral
    becomes "Article ...", anything longer is its own name.
    """
    head = article.strip()
    if head and (head[0].isdigit() or set(head.split("(")[0]) <= set("IVXLC")):
        head = f"Article {head}"
    kind_words = PROVISION_KINDS.get(kind or "", (kind or "").replace("_", " "))
    return f"{head} ({kind_words})" if kind_words else head


def threat(kind: str) -> str:
    """A kind of threat with its article: "an incursion", "an external attack"."""
    if kind in THREATS:
        return THREATS[kind]
    words = kind.replace("_", " ").replace("-", " ")
    return f"{indefinite(words)} {words}"


def outcome(kind: str) -> str:
    """What an alliance did: "nothing done", "troops deployed"."""
    return OUTCOMES.get(kind, kind)


def indefinite(words: str) -> str:
    """ "a" or "an" for the words that follow (by their first letter's sound, roughly)."""
    return "an" if words[:1].lower() in "aeio" else "a"


def alliance(code: str, *, article: bool = True) -> str:
    """An alliance's short name as English writes it: "NATO", "the CSTO", "the Warsaw Pact"
    (`article=False`: "Warsaw Pact", "CSTO", for titles and labels)."""
    code = code.upper()
    name = SHORT_NAMES.get(code, code)
    if not article or code in SPOKEN:
        return name
    return f"the {name}"


def request(year: str, demonym: str | None, requester: str) -> str:
    """A request for help named as a reader would: "the 1999 Kyrgyz request" (or, for a
    state with no fitting demonym, "the request of France in 2003")."""
    return f"the {year} {demonym} request" if demonym else f"the request of {requester} in {year}"


def adjective(name: str, demonyms: tuple[str, ...]) -> str | None:
    """The demonym a state's name reads best with ("Kyrgyz" for Kyrgyzstan, not "Kirghiz"
    or "Kyrgyzstani"): the shortest singular form that starts as the name does."""
    singular = [d for d in demonyms if not (d.endswith("s") and d[:-1] in demonyms)]

    def shared(form: str) -> int:
        n = 0
        for a, b in zip(form.lower(), name.lower(), strict=False):
            if a != b:
                break
            n += 1
        return n

    close = sorted((d for d in singular if shared(d) >= min(4, len(name))), key=len)
    return close[0] if close else None
