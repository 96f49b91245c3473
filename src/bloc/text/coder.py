"""Code sentences into PLOVER events: who did what to whom.

The coder works in the manner of the classic dictionary coders (TABARI,
PETRARCH's verb dictionaries), kept fast by a cheap gate: a sentence is looked
at only if it names two different actors and contains a trigger word. For
those, it decides

- the type and mode, from a trigger lexicon (`TRIGGERS`, documented in
  docs/codebook.md);
- whether the sentence reports something that happened: questions,
  conditionals, modal predictions and negated triggers are not events, and a
  trigger governed by "refused to"/"declined to" yields only the REJECT;
- the source and target: the subject-like actor before the trigger (a
  possessor for noun triggers: "Russia's invasion of Ukraine"), the first
  actor after it; the passive ("was hit by") swaps them; symmetric triggers
  (clashes, fighting, peace deals) code both directions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bloc.model import TYPE_INTENSITY, Mention


@dataclass(frozen=True)
class Trigger:
    type: str
    mode: str | None
    pattern: re.Pattern[str]
    symmetric: bool = False
    alliance_default: bool = False  # with no target, the act is toward the alliance in context


def _t(
    type: str, mode: str | None, rx: str, *, symmetric: bool = False, alliance: bool = False
) -> Trigger:
    return Trigger(type, mode, re.compile(rx, re.IGNORECASE), symmetric, alliance)


# Order matters: where two triggers overlap, the earlier in this list wins.
TRIGGERS: tuple[Trigger, ...] = (
    _t("REJECT", "declaration", r"\brefus\w* to sign\b", alliance=True),
    _t(
        "REJECT",
        "exercise",
        r"\b(?:cancel+(?:ed|s|ing)?|called off|call off)\b(?=[^.;]{0,60}\b(?:exercise|drills?|manoeuvres|maneuvers)\b)",
        alliance=True,
    ),
    _t(
        "REJECT",
        "participation",
        r"\b(?:suspend(?:ed|s|ing)?|froze|freez(?:e|es|ing)|boycott(?:ed|s|ing)?)\b(?=[^.;]{0,40}\b(?:cooperation|participation|membership|work)\b)",
        alliance=True,
    ),
    _t(
        "REJECT",
        "recognition",
        r"\bno question of recogni[sz]\w*|\brefus\w* to recogni[sz]\w*|\bwill not recogni[sz]e",
    ),
    _t(
        "REJECT",
        "military aid",
        r"\bruled out\b|\bturned down\b|\bdeclin(?:ed|ing) to\b|\brefus(?:ed|es|al|ing)\b|\bden(?:ied|ying|y)\b|\breject(?:ed|s|ing|ion)?\b",
    ),
    _t(
        "REJECT",
        "participation",
        r"\b(?:leave|quit|withdr[ae]w from|pull(?:ed)? out of)\b(?=[^.;]{0,30}\b(?:CSTO|NATO|alliance|bloc|organi[sz]ation|grouping|treaty)\b)",
        alliance=True,
    ),
    _t(
        "REQUEST",
        "military aid",
        r"\binvok(?:ed|es|ing|e)\b|\binvocation\b|\bappeal(?:ed|s)?\b|\bcall(?:ed|s|ing)? (?:on|upon)\b|\brequest(?:ed|s|ing)?\b|\bask(?:ed|s|ing)? (?:for|to)\b|\bask(?:ed|s|ing)?\b(?=[^.;]{0,30}\bfor (?:help|assistance|support|aid|troops|forces|weapons|peacekeepers)\b)|\bsought\b|\bseek(?:s|ing)?\b|\bapplied to\b|\bturn(?:ed|ing)? to\b(?=[^.;]{0,40}\bfor help\b)|\bdemand(?:ed|ing|s)?\b|\burg(?:ed|es|ing)\b",
        alliance=True,
    ),
    _t(
        "ACCUSE",
        "criticism",
        r"\bcritici[sz](?:ed|es|ing|e)\b|\baccus(?:ed|es|ing|e)\b|\bblam(?:ed|es|ing|e)\b|\bcondemn(?:ed|s|ing)?\b|\bdenounc(?:ed|es|ing|e)\b|\bfault(?:ed|s)?\b|\blash(?:ed|es)? out\b|\battack on (?=[A-Z])",
    ),
    _t(
        "COERCE",
        "occupation",
        r"\bannex(?:ed|es|ing|ation)?\b|\boccup(?:y|ied|ies|ying|ation)\b|\binfiltrat(?:ed|ion|es)\b|\bseiz(?:ed|es|ing|ure)\b",
    ),
    _t(
        "ASSAULT",
        "border clash",
        r"\bclash(?:es|ed)?\b|\bfight(?:ing)?\b|\bfought\b|\bskirmish(?:es)?\b|\bexchanged (?:small arms|fire|artillery)|\bwrestled violently\b|\bgrappled\b|\bconfrontation with\b|\bborder (?:war|conflict)\b",
        symmetric=True,
    ),
    _t(
        "ASSAULT",
        "armed attack",
        r"\binva(?:de|ded|des|ding|sion)\b|\battack(?:ed|s|ing)?\b|\bshell(?:ed|ing)\b|\bbomb(?:ed|ing)\b|\bfired (?:rockets|missiles|shells)\b|\bdrone (?:attacks|strikes)\b|\bwar (?:against|on)\b|\bhit by artillery\b",
    ),
    _t(
        "CONSULT",
        "mission",
        r"\bsend(?:ing)? its secretary[- ]general\b|\bworking group\b|\bfact-finding\b|\bmonitoring mission\b",
    ),
    _t("CONSULT", "mediation", r"\bbroker(?:ed|s|ing)?\b|\bmediat(?:ed|es|ing|ion)\b"),
    _t(
        "CONSULT",
        "summit",
        r"\bsummit\b",
        alliance=True,
    ),
    _t(
        "CONSULT",
        "meeting",
        r"\bheld talks\b|\btalks with\b|\bmet with\b|\bvisit(?:ed|s)?\b|\bphone call\b|\bconsultations with\b",
    ),
    _t(
        "AID",
        "military",
        r"\bdeploy(?:ed|s|ing|ment)?\b|\bsen(?:d|t|ding|ds) (?:a |an |its )?(?:contingent|troops|forces|peacekeepers|aid|weapons|help|assistance)\b|\bsuppl(?:y|ies|ied|ying) (?:\w+ ){0,6}weapons\b|\bpeacekeeping force\b|\bintervention in\b|\bintervened in\b|\bprovid(?:ed|es|ing) (?:\w+ ){0,3}(?:aid|assistance|troops|peacekeep\w*)\b|\bselling weapons\b|\barming\b",
    ),
    _t(
        "COOPERATE",
        "exercise",
        r"\bexercises?\b|\bdrills\b|\bmanoeuvres\b|\bmaneuvers\b|\bmilitary cooperation\b|\bcloser ties\b",
    ),
    _t(
        "AGREE",
        "agreement",
        r"\bsign(?:ed|s|ing)\b(?=[^.;]{0,40}\b(?:deal|agreement|accord|treaty|protocol|declaration|statement)\b)|\bpeace deal\b|\bceasefire agreement\b",
        symmetric=True,
    ),
    _t(
        "AGREE",
        "accession",
        r"\bjoin(?:ed|s|ing)\b|\baccession\b|\bacceded\b|\bbec(?:ame|omes|oming) (?:a |the )?(?:\w+ )?member\b",
        alliance=True,
    ),
    _t(
        "RETREAT",
        "withdrawal",
        r"\bwithdraw(?:al|n|s|ing)?\b|\bwithdrew\b|\bpull(?:ed|ing)? (?:out|back)\b",
    ),
    _t(
        "PROTEST",
        "demonstration",
        r"\bprotest(?:ers|ors|ed|s)?\b|\bdemonstrat(?:ors|ions?|ed)\b|\brall(?:y|ied)\b",
    ),
    _t(
        "SUPPORT",
        "statement",
        r"\bsupport(?:ed|s|ing)?\b|\bback(?:ed|s|ing)\b|\bendors(?:ed|es|ing|e)\b|\bprais(?:ed|es|ing|e)\b|\bhelped\b|\bunified front\b",
    ),
    _t(
        "THREATEN",
        "warning",
        r"\bthreaten(?:ed|s|ing)?\b|\bwarn(?:ed|s|ing)?\b|\bultimatum\b|\bwill depend on\b",
    ),
    _t(
        "SANCTION",
        "sanctions",
        r"\bsanction(?:ed|s|ing)?\b|\bexpel+(?:ed|s|ing)?\b|\bembargo\b|\bcut ties\b|\bhalt(?:ed|s)? (?:its )?payments\b",
    ),
    _t("MOBILIZE", "mobilisation", r"\bmobili[sz](?:ed|es|ing|ation)\b|\bmass(?:ed|ing) troops\b"),
)

_GATE = re.compile("|".join(f"(?:{t.pattern.pattern})" for t in TRIGGERS), re.IGNORECASE)
_HYPOTHETICAL = re.compile(
    r"\b(?:would|could|might|may|will|shall|should|can|cannot|can't|won't|wouldn't|likely to"
    r"|unlikely to|going to|want(?:s|ed)? to|wish(?:es)? to|hopes? to|aspir\w+ to|if|unless|whether"
    r"|able to|ready to|willing to|prepared to|expected to|plans? to|fear|imagine|on the verge of"
    r"|aspirations? (?:to|towards)|about to|poised to)\b[^.;,]{0,40}$",
    re.IGNORECASE,
)
_CONDITIONAL_START = re.compile(r"^\s*(?:if|should|unless|were|had)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:not|n't|never|no|nor|neither|without|lack of|failed to|unwilling to|refrained from"
    r"|refus\w* to|declin\w* to|withh\w+|instead of|rather than|did not|avoid\w*)\b[^.;,]{0,30}$",
    re.IGNORECASE,
)
_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+ly\s+|\w+-\w+\s+)?$", re.IGNORECASE
)
_PREPOSITION = re.compile(
    r"\b(?:in|of|from|at|on|to|into|against|with|for|between|over|across|near|toward|towards"
    r"|within|about|among|amid|like|than|including|despite|after|before|during|under|by)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_POSSESSIVE_AFTER = re.compile(r"^(?:['’]s?)")
_SPEECH = re.compile(
    r"\b(?:said|says|told|noted|added|argues|argued|suggests|suggested|believes|thinks|described"
    r"|called it|wrote|claims|claimed)\b",
    re.IGNORECASE,
)


MAX_GAP_WORDS = 12
"""A target further than this many words after its trigger belongs to another clause."""
GOVERNING = frozenset({"REJECT", "ACCUSE"})
"""Triggers whose complement is what was refused or blamed, not a second event."""
VERBAL = frozenset({"REJECT", "ACCUSE", "REQUEST", "THREATEN", "SUPPORT", "PROTEST"})
VIOLENT = frozenset({"ASSAULT", "COERCE"})
_TITLE_OF = re.compile(
    r"\b(?:president|prime minister|premier|minister|government|leader|leadership|king|army"
    r"|armed forces|forces|people|parliament|foreign ministry|ministry of \w+|head|chief)"
    r"\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NEGATED_MENTION = re.compile(r"\b(?:not|rather than|instead of)\s+(?:the\s+)?$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r",\s+(?:and|but|while|whereas|which|who)\b|\bthat\b", re.IGNORECASE)
_DENIAL = re.compile(r"^\s*that\b", re.IGNORECASE)
_OTHER_ACT = re.compile(r"\b(?:war|invasion|attack|operation|aggression)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"^\s*,\s*(?:which|who)\b", re.IGNORECASE)
_THE_BEFORE = re.compile(r"\bthe\s+$")
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?$")
_IN_BEFORE = re.compile(r"\bin\s+$")
_HOST_BEFORE = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$")
LOOKBACK = 80
"""Characters read back from an actor for the cue before it ("not the", "by",
"in"): every cue is a few words. Reading the whole sentence before every actor
for every trigger made a long unpunctuated run cost cubic time."""


def _cue_before(cue: re.Pattern[str], text: str, at: int) -> bool:
    """True when `cue` (a pattern ending in $) matches the text just before `at`."""
    return cue.search(text, max(0, at - LOOKBACK), at) is not None


def _few_words(text: str, start: int, end: int, most: int) -> bool:
    """True when text[start:end] holds at most `most` words; splits no further than that."""
    return len(text[start:end].split(maxsplit=most)) <= most


@dataclass(frozen=True)
class Coded:
    """One coded act within a sentence, before dating."""

    source: str
    target: str
    type: str
    mode: str | None
    alliance: str | None
    intensity: float
    confidence: float
    at: int = 0  # where the trigger starts in the sentence, to date it by its clause


_SPORT = re.compile(
    r"\b(?:football|soccer|match(?:es)?|goals?|league|tournament|cup|qualifier|striker|midfielder"
    r"|goalkeeper|coach|stadium|fans|championship|players?|national team|kick-?off|penalt(?:y|ies)"
    r"|scored?|referee|semi-?final|final whistle|wrestl(?:er|ing) (?:bout|championship)|olympic)\b",
    re.IGNORECASE,
)


def sporting(text: str) -> bool:
    """Two or more words of sport: the clashes and attacks are on a pitch."""
    return len({m.group().lower() for m in _SPORT.finditer(text)}) >= 2


def worth_coding(text: str, mentions: list[Mention]) -> bool:
    """The cheap gate: two different actors and at least one trigger word."""
    return len({m.code for m in mentions}) >= 2 and _GATE.search(text) is not None


def code_sentence(
    text: str,
    mentions: list[Mention],
    alliances: Iterable[str],
    context_alliance: str | None,
    kinds: Mapping[str, str] | None = None,
    use_parse: bool = False,
) -> list[Coded]:
    """The events one sentence reports (an empty list for most sentences).

    `use_parse` asks the dependency parse (bloc.text.parse) for roles word order
    could not assign. Off by default: on the reference articles it added only
    false positives (F1 0.70 with it, 0.72 without; see README).

    `kinds` maps actor codes to their kind (state, organisation, group): armed
    attacks and occupations are coded only between states and armed groups.
    """
    kinds = kinds or {}
    sport = sporting(text)
    if not worth_coding(text, mentions):
        return []
    if text.rstrip("”\"’') ").endswith("?") or _CONDITIONAL_START.match(text):
        return []
    alliance_codes = set(alliances)
    out: list[Coded] = []
    matches: list[tuple[Trigger, re.Match[str]]] = []
    for trigger in TRIGGERS:
        for match in trigger.pattern.finditer(text):
            if not any(match.start() < m.end() and m.start() < match.end() for _, m in matches):
                matches.append((trigger, match))
    matches.sort(key=lambda tm: tm[1].start())
    # "not the CSTO": an actor so named is no target of any trigger (read once per actor).
    negated = frozenset(m.start for m in mentions if _cue_before(_NEGATED_MENTION, text, m.start))
    taken: list[tuple[int, int]] = []
    pairs: set[tuple[str, str, str]] = set()
    for trigger, match in matches:
        if True:
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            before = text[max(0, start - 80) : start]  # a hedge or negation is close by
            if _HYPOTHETICAL.search(before) or (
                _NEGATION.search(before) and trigger.type != "REJECT"
            ):
                continue
            if _inside_quote(text, start):
                continue
            if sport and trigger.type in VIOLENT:
                continue  # "Armenia clashed with Azerbaijan in the qualifier" is football
            if trigger.type == "REJECT" and _DENIAL.match(text[end:]):
                continue  # "denied that…" disputes a claim; nothing is refused
            if trigger.type in GOVERNING:
                # "cancelled the drills", "refused to send troops": the object is
                # what was refused, not a second event.
                governed = re.search(r"[,;]", text[end:])
                taken.append((end, end + (governed.start() if governed else len(text))))
            if trigger.mode == "summit":
                roles = _summit(text, start, end, mentions, alliance_codes, context_alliance)
            else:
                roles = _roles(
                    trigger, text, start, end, mentions, context_alliance, kinds, negated
                )
            if trigger.type == "REJECT":
                roles = list(roles)
                for source, target, _ in list(roles):
                    asked = re.match(
                        r"^\s*(?:\w+\s+){0,2}?(?:the\s+)?([^\s]+)['’]s (?:request|appeal|demand|call)\b",
                        text[end:],
                    )
                    if asked and any(
                        m.code == target and m.start == end + asked.start(1) for m in mentions
                    ):
                        out.append(
                            Coded(
                                target,
                                source,
                                "REQUEST",
                                "military aid",
                                None,
                                TYPE_INTENSITY["REQUEST"],
                                0.5,
                                start,
                            )
                        )
            if not roles and use_parse and trigger.type not in VIOLENT and not trigger.symmetric:
                roles = _parsed_roles(text, start, mentions)
            for source, target, confidence in roles:
                if source == target or (source, target, trigger.type) in pairs:
                    continue
                kind = trigger.type
                if kind == "ASSAULT" and match.group().lower().startswith("attack on"):
                    kind = "ACCUSE"
                if kind in VIOLENT and not (
                    kinds.get(source, "state") != "organisation"
                    and kinds.get(target, "state") != "organisation"
                ):
                    continue
                pairs.add((source, target, trigger.type))
                alliance = next(
                    (c for c in (target, source) if c in alliance_codes),
                    context_alliance
                    if trigger.alliance_default and context_alliance in _codes(mentions)
                    else None,
                )
                out.append(
                    Coded(
                        source=source,
                        target=target,
                        type=kind,
                        mode=trigger.mode if kind == trigger.type else "verbal",
                        alliance=alliance,
                        intensity=TYPE_INTENSITY[kind],
                        confidence=confidence,
                        at=start,
                    )
                )
    return out


def _codes(mentions: list[Mention]) -> set[str]:
    return {m.code for m in mentions}


def _inside_quote(text: str, position: int) -> bool:
    """Words inside quotation marks are someone's opinion, not the reported act."""
    opened = text.count("“", 0, position) - text.count("”", 0, position)
    straight = text.count('"', 0, position) % 2
    return opened > 0 or straight == 1


def _parsed_roles(text: str, start: int, mentions: list[Mention]) -> list[tuple[str, str, float]]:
    """Ask the dependency parse when word order could not assign both roles."""
    from bloc.text import parse

    source, target = parse.roles(text, start, mentions)
    if source and target and source != target:
        return [(source, target, 0.45)]
    return []


def _summit(
    text: str,
    start: int,
    end: int,
    mentions: list[Mention],
    alliance_codes: set[str],
    context_alliance: str | None,
) -> list[tuple[str, str, float]]:
    """A summit: the host ("a summit in Dushanbe", "held in Yerevan") consults the alliance."""
    near = [
        m
        for m in mentions
        if m.code in alliance_codes and (abs(m.start - end) <= 60 or abs(start - m.end) <= 30)
    ]
    if not near:
        return []  # a summit of some other body
    alliance = near[0].code
    for mention in mentions:
        if mention.code in alliance_codes or abs(mention.start - end) > 80:
            continue
        if _cue_before(_HOST_BEFORE, text, mention.start):
            return [(mention.code, alliance, 0.7)]
    return []


def _roles(
    trigger: Trigger,
    text: str,
    start: int,
    end: int,
    mentions: list[Mention],
    context_alliance: str | None,
    kinds: Mapping[str, str],
    negated: frozenset[int],
) -> list[tuple[str, str, float]]:
    clause_start = max(text.rfind(";", 0, start), text.rfind(":", 0, start)) + 1
    clause_end_candidates = [i for i in (text.find(";", end),) if i != -1]
    clause_end = min(clause_end_candidates) if clause_end_candidates else len(text)
    left = [
        m for m in mentions if clause_start <= m.start and m.end <= start and m.form != "members"
    ]
    right = [
        m for m in mentions if m.start >= end and m.end <= clause_end and m.start not in negated
    ]

    if trigger.symmetric:
        fighters_left = [
            m
            for m in left
            if kinds.get(m.code, "state") != "organisation" and _few_words(text, m.end, start, 8)
        ]
        fighters_right = [
            m
            for m in right
            if kinds.get(m.code, "state") != "organisation"
            and _few_words(text, end, m.start, MAX_GAP_WORDS)
        ]
        if re.match(
            r"^\s*(?:\w+\s+){0,2}between the (?:two )?(?:countries|states|sides|neighbou?rs)\b",
            text[end:],
        ):
            states = list(dict.fromkeys(m.code for m in left if kinds.get(m.code) == "state"))
            if len(states) >= 2:
                return [(states[-2], states[-1], 0.5), (states[-1], states[-2], 0.5)]
        pair = _symmetric_pair(fighters_left, fighters_right, text, start)
        if pair:
            a, b = pair
            return [(a, b, 0.6), (b, a, 0.6)]
        return []

    # "the Ukraine invasion": an actor right before a noun trigger is its object.
    if (
        left
        and not text[left[-1].end : start].strip()
        and _cue_before(_THE_BEFORE, text, left[-1].start)
    ):
        object_ = left.pop()
        owner = _source(left, text, start)
        return [(owner.code, object_.code, 0.5)] if owner else []

    passive = _PASSIVE.search(text[max(clause_start, start - 40) : start]) is not None
    if passive:
        by = next((m for m in right if _cue_before(_BY_BEFORE, text, m.start)), None)
        if by and left:
            return [(by.code, left[-1].code, 0.6)]
        return []

    if trigger.type == "COOPERATE":
        listed = _participants(right, text, end)
        if listed:
            return [(listed[0].code, m.code, 0.5) for m in listed[1:] if m.code != listed[0].code]
    if trigger.type == "PROTEST":
        place = next((m for m in right if _cue_before(_IN_BEFORE, text, m.start)), None)
        others = [m for m in right if place and m.start > place.end and m.code != place.code]
        return [(place.code, others[0].code, 0.5)] if place and others else []
    if (
        trigger.type in ("SUPPORT", "AID")
        and right
        and re.match(r"^\s*from\s+(?:the\s+)?$", text[end : right[0].start])
    ):
        giver = right[0]  # "support from Lukashenko": the giver is the source
        receiver = _source(left, text, start, material=False)
        return [(giver.code, receiver.code, 0.5)] if receiver else []
    source = _source(left, text, start, material=trigger.type not in VERBAL)
    if source is None:
        return []
    near = [m for m in right if _few_words(text, end, m.start, MAX_GAP_WORDS)]
    targets = _coordinated(near, text, source.code) if near and near[0] is right[0] else []
    if len(targets) > 1:
        return [(source.code, t.code, 0.5) for t in targets]
    target = next(
        (
            m
            for m in right
            if m.code != source.code
            and _few_words(text, end, m.start, MAX_GAP_WORDS)
            and not (trigger.type not in VIOLENT and _OTHER_ACT.search(text[end : m.start]))
            and not _CLAUSE_BREAK.search(text[end : m.start])
            and (trigger.type in GOVERNING or not _GATE.search(text[end : m.start]))
        ),
        None,
    )
    if target is None and trigger.alliance_default and context_alliance:
        in_sentence = any(m.code == context_alliance for m in mentions)
        others_after = any(kinds.get(m.code) == "state" and m.code != source.code for m in right)
        if context_alliance != source.code and in_sentence and not others_after:
            return [(source.code, context_alliance, 0.4)]
        return []
    if target is None:
        return []
    adjacent = _few_words(text, source.end, start, 6)
    confidence = 0.5 + (0.2 if adjacent else 0.0) + (0.1 if target.start - end < 40 else 0.0)
    return [(source.code, target.code, round(confidence, 2))]


def _source(left: list[Mention], text: str, start: int, material: bool = True) -> Mention | None:
    """The subject-like actor: a possessor right before a noun trigger, else the
    last actor before the trigger not governed by a preposition."""
    if left and _RELATIVE.match(text[left[-1].end : start]):
        return left[-1]  # "…to Kyrgyzstan, which has requested…"
    for mention in reversed(left):
        after = text[mention.end : start]
        if _POSSESSIVE_AFTER.match(after) and len(after.split()) <= 3 and "," not in after:
            return mention
    for mention in reversed(left):
        if not _few_words(text, mention.end, start, MAX_GAP_WORDS):
            break
        before = text[max(0, mention.start - 60) : mention.start]
        if _PREPOSITION.search(before[-40:]) and not _TITLE_OF.search(before):
            continue
        if material and _SPEECH.search(text[mention.end : start]):
            continue  # "Putin said the CSTO deployed…": the speaker is not the actor
        return mention
    return None


def _symmetric_pair(
    left: list[Mention], right: list[Mention], text: str, start: int
) -> tuple[str, str] | None:
    codes_left = [m.code for m in left]
    codes_right = [m.code for m in right]
    # "clashes between X and Y", "X and Y clashed", "X's clash with Y"
    for pool in (codes_right[:2], codes_left[-2:]):
        if len(set(pool)) == 2:
            window = text
            if re.search(r"\band\b|\bbetween\b|-", window):
                return pool[0], pool[1]
    if codes_left and codes_right and codes_left[-1] != codes_right[0]:
        return codes_left[-1], codes_right[0]
    return None


def _coordinated(right: list[Mention], text: str, source: str) -> list[Mention]:
    """The first target and the actors coordinated with it ("X, Y and Z")."""
    if not right:
        return []
    chain = [right[0]]
    for mention in right[1:]:
        gap = text[chain[-1].end : mention.start]
        if re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?", gap):
            chain.append(mention)
        else:
            break
    if len(chain) > 1 and re.match(r"^\s+\w+(?:ing|ed)\b", text[chain[-1].end :]):
        chain = chain[:1]  # "…to Ukraine, Armenia and Kazakhstan voting…": a new clause
    return [m for m in chain if m.code != source]


def _participants(right: list[Mention], text: str, end: int) -> list[Mention]:
    """'an exercise involving X, Y and Z': X leads, the others take part."""
    if not right or not re.match(
        r"^\s*(?:[\w-]+\s+){0,2}(?:involving|including|between|among)\s+(?:the\s+)?$",
        text[end : right[0].start],
    ):
        return []
    chain = [right[0]]
    for mention in right[1:]:
        if re.fullmatch(r"\s*(?:,|,?\s+and)\s+(?:the\s+)?", text[chain[-1].end : mention.start]):
            chain.append(mention)
        else:
            break
    return chain if len(chain) >= 2 else []
