"""One document through every stage: clean -> sentences -> actors -> gate -> parse ->
code -> dates.

`process` is a pure function of the document (and the bundled knowledge
base, lexicon and parser), so the local engine and Dask map the very same
code. Only the sentences that pass the cheap gate (an actor named and a
trigger word present) are parsed, all of a batch's at once, a batch per
language.

The document's language (`Document.lang`, else detected from its letters)
picks how each sentence is read (`bloc.text.reading`: English or Russian);
a sentence in the other script is read in that script's language, and one in
a language bloc does not code (Kazakh, Kyrgyz, Tajik...) is skipped and
counted in the log, as is a document in such a language.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bloc.core.dated import Precision, period_end
from bloc.core.events import CodedEvent
from bloc.core.rules import happening_key
from bloc.knowledge import bundled
from bloc.model import Document, DocumentResult, Mention, Sentence
from bloc.text import clean, dates, language, sentences
from bloc.text.calibration import confidence
from bloc.text.coder import VIOLENT, Coded
from bloc.text.coders import coder
from bloc.text.parse import MAX_PARSE_TOKENS, Parse, parse_batch
from bloc.text.reading import Dating, Reading, reading
from bloc.text.reference import Context
from bloc.text.route import Via

log = logging.getLogger(__name__)

MAX_SENTENCE_CHARS = 2_000
"""A longer "sentence" is a run the splitter could not break (a table, a list, a
page without punctuation), not prose: it is neither searched for actors nor
coded. The longest sentence of the reference articles has 513 characters."""
MAX_CODED_CHARS = 250_000
"""Only the sentences within this many characters of cleaned text are coded:
some 40,000 words, several times the longest magazine feature (the reference
articles have 5,000 to 11,000). It bounds the time one document takes, which
the reader's 8 MB cap alone does not."""
MAX_PARSE_CHARS = MAX_PARSE_TOKENS * 6
"""A sentence longer than this is cut at a word boundary before parsing."""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def process(document: Document, raw: bool = False) -> DocumentResult:
    """Code one document into dated events, each with its supporting sentence.

    `raw` keeps the coder's own rough scores as confidence instead of the fitted
    probability (`bloc.text.calibration`).
    """
    return process_many([document], raw)[0]


def process_many(documents: Sequence[Document], raw: bool = False) -> list[DocumentResult]:
    """Code several documents, parsing all their gated sentences in one batch.

    The same results as `process` on each; the parser is several times faster on
    one batch of hundreds of sentences than on many batches of a few.
    """
    prepared = [_prepare(d) for d in documents]
    cuts = [(p, i, r.lang) for p in prepared for i in p.gated if (r := p.readers[i]) is not None]
    for lang in dict.fromkeys(lang for _, _, lang in cuts):
        mine = [(p, i) for p, i, of in cuts if of == lang]
        parses = parse_batch(
            lang,
            [_cut(p.coded[i], p.document) for p, i in mine],
            [f"{p.document.id} sentence {p.coded[i].index}" for p, i in mine],
        )
        for (p, i), found in zip(mine, parses, strict=True):
            p.parses[i] = found
    return [_finish(p, raw) for p in prepared]


@dataclass
class _Prepared:
    """A document cleaned, split, its actors found and its sentences gated, before parsing."""

    document: Document
    text: str
    read: list[Sentence]
    coded: list[Sentence]
    mentions: list[list[Mention]]
    context: Context
    sport: bool
    gated: list[int]
    lang: str
    readers: list[Reading | None]
    parses: dict[int, Parse | None] = field(default_factory=dict)


@functools.cache
def _kinds() -> dict[str, str]:
    return {code: actor.kind for code, actor in bundled().actors.items()}


def _prepare(document: Document) -> _Prepared:
    text = clean.clean_text(document.text, limit=MAX_CODED_CHARS)
    all_sentences, coded_sentences = _codable(document, text)
    lang = document.lang or language.detect(text)
    # A language the source names is trusted; a detected one may be a mixed document's
    # majority, whose sentences in English or Russian are still read.
    given = bool(document.lang) and lang not in language.read()
    readers: list[Reading | None] = (
        [None] * len(coded_sentences) if given else _readers(document, text, lang, coded_sentences)
    )
    if not any(readers):
        log.info(
            "%s: in language %r, which bloc stores but does not code (%d sentences)",
            document.id,
            lang,
            len(all_sentences),
        )
    found_actors = [
        r.finder.find(s.text, document.published) if r else []
        for s, r in zip(coded_sentences, readers, strict=True)
    ]
    alliances = frozenset(bundled().alliances)
    named = Counter(m.code for ms in found_actors for m in ms if m.code in alliances)
    context = Context(
        alliances=alliances,
        alliance=named.most_common(1)[0][0] if named else None,
        kinds=_kinds(),
    )
    sport = clean.sporting(" ".join(s.text for s in all_sentences[:40])) and clean.sporting(text)
    gated = [
        i
        for i, (s, ms, r) in enumerate(zip(coded_sentences, found_actors, readers, strict=True))
        if ms and r is not None and r.gate(s.text)
    ]
    return _Prepared(
        document,
        text,
        all_sentences,
        coded_sentences,
        found_actors,
        context,
        sport,
        gated,
        lang,
        readers,
    )


def _finish(prepared: _Prepared, raw: bool) -> DocumentResult:
    """Code the parsed sentences of a prepared document, and date what they report."""
    document, text = prepared.document, prepared.text
    readers = prepared.readers
    context, sport, parses = prepared.context, prepared.sport, prepared.parses
    all_sentences, coded_sentences = prepared.read, prepared.coded
    found_actors = prepared.mentions
    alliances = context.alliances
    digest = sha256(document)
    published = document.published
    exactness = document.published_precision
    latest = period_end(published, exactness) if published else None
    found: list[CodedEvent] = []
    undated: list[bool] = []
    dated: set[tuple[str, str, str]] = set()
    seen: set[tuple[str, str, str, dt.date, str]] = set()
    carried: tuple[dt.date, Precision] | None = None
    previous_end = 0
    lead = dates.lead_length([s.text for s in coded_sentences])
    pairs = zip(coded_sentences[:lead], readers[:lead], strict=True)
    news = dates.lead_date([(s.text, r.dating) for s, r in pairs if r], published, exactness)
    for index, (sentence, plain) in enumerate(zip(coded_sentences, found_actors, strict=True)):
        # A new paragraph forgets the date the last one gave. Looking only
        # between two sentences keeps a one-line text of many sentences linear.
        if text.find("\n", previous_end, sentence.start) != -1:
            carried = None
        previous_end = sentence.end
        reader = readers[index]
        if reader is None:
            continue
        dating = reader.dating
        explicit = (
            dating.sentence_date(sentence.text, published, exactness)
            if dating.may_date(sentence.text)
            else None
        )
        before = carried
        if explicit:
            carried = explicit
        mentions = reader.finder.with_anaphors(sentence.text, plain, context.alliance)
        parse = parses.get(index)
        coded = coder().code(parse, mentions, context, reader.lex) if parse is not None else []
        if sport:
            coded = [c for c in coded if c.type not in VIOLENT]
        _remember(context, mentions, coded, alliances)
        for event in coded:
            when, stated = _when(
                sentence.text,
                event,
                explicit,
                before,
                published,
                dating,
                exactness,
                news if index < lead else None,
            )
            if when is None:
                continue  # an undated article: relative dates cannot be resolved
            years = dating.listed_years(_own(sentence.text, event)) or (
                []
                if event.subordinate
                else dating.listed_years(dates.clause(sentence.text, event.at))
            )
            moments = [(dt.date(y, 1, 1), "year") for y in years] if years else [when]
            for day, grain in moments:
                if latest and day > latest and event.mode in dates.FORWARD and published:
                    day, grain = published, exactness  # a plan is news the day it is told
                elif latest and day > latest:
                    continue  # a date after publication is a misreading, not news
                key = (event.source, event.target, event.type, day, grain)
                if key in seen:
                    continue
                seen.add(key)
                # A request known only from its answer ("rejected Armenia's request") is
                # a recap: the article's own report of the request, if any, stands.
                implied = event.route.via is Via.ASKED
                if stated and not implied:
                    dated.add(event_key(event))
                found.append(
                    CodedEvent(
                        date=day,
                        precision=grain,  # type: ignore[arg-type]
                        source=event.source,
                        target=event.target,
                        type=event.type,
                        mode=event.mode,
                        alliance=event.alliance,
                        intensity=event.intensity,
                        confidence=event.confidence
                        if raw
                        else confidence(event.features, event.confidence),
                        document=document.id,
                        sentence=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                        published=published,
                        url=document.url,
                    )
                )
                undated.append(implied or not stated)
    kept = dates.once(found, undated, dated)
    return DocumentResult(document, len(all_sentences), kept, digest, prepared.lang)


def _readers(
    document: Document, text: str, lang: str, coded: list[Sentence]
) -> list[Reading | None]:
    """How each sentence is read: the document's language, or a sentence's own when the
    document mixes scripts; None for a sentence in a language bloc does not code."""
    if lang == "en" and _CYRILLIC.search(text) is None:
        return [reading("en")] * len(coded)  # the common case, at no cost per sentence
    langs = [language.sentence(s.text, lang) for s in coded]
    counts = Counter(langs)
    if len(counts) > 1:
        log.info(
            "%s: sentences in several languages (%s); each read in its own, those bloc "
            "does not code skipped",
            document.id,
            ", ".join(f"{n} {code}" for code, n in counts.most_common()),
        )
    return [reading(code) for code in langs]


def _cut(sentence: Sentence, document: Document) -> str:
    """The sentence to parse, cut at a word boundary when it is too long (and logged)."""
    if len(sentence.text) <= MAX_PARSE_CHARS:
        return clean.scare_quotes(sentence.text)
    log.info(
        "%s: sentence %d cut to %d characters for parsing (it has %d)",
        document.id,
        sentence.index,
        MAX_PARSE_CHARS,
        len(sentence.text),
    )
    return clean.scare_quotes(sentence.text[:MAX_PARSE_CHARS].rsplit(" ", 1)[0])


def _remember(
    context: Context, mentions: list[Mention], coded: list[Coded], alliances: frozenset[str]
) -> None:
    """Carry the document's last-named alliance, state and organisation, and last actor."""
    for mention in mentions:
        kind = context.kinds.get(mention.code)
        if mention.form == "person":
            context.person = mention.code
        if mention.code in alliances and mention.form != "anaphor":
            context.alliance = mention.code
        elif kind == "state":
            context.state = mention.code
        elif kind == "organisation":
            context.organisation = mention.code
    if coded:
        context.previous = coded[0].source
    elif mentions:
        context.previous = mentions[0].code


def _when(
    text: str,
    event: Coded,
    explicit: tuple[dt.date, Precision] | None,
    carried: tuple[dt.date, Precision] | None,
    published: dt.date | None,
    dating: Dating,
    precision: Precision = "day",
    lead: tuple[dt.date, Precision] | None = None,
) -> tuple[tuple[dt.date, Precision] | None, bool]:
    """The date of one coded act, and whether the text states it.

    An act named as a noun, its own phrase's date first ("Azerbaijan's 2020
    offensive"); then the act's own clause ("which requested help in 2010"); then,
    for an act in the main clause, the sentence's date; then the date the paragraph
    last gave. A dependent clause with no date of its own does not borrow the
    sentence's. With none, `bloc.text.dates.undated` (`lead`: the lead's day, for a
    sentence in the article's lead).
    """
    own_text = _own(text, event)
    named = event.type in VIOLENT and event.route.named_thing
    when = dates.phrase_date(dating, text, event.phrase, event.at, published, precision)
    # A war or invasion named as a thing ("the Russian invasion of Ukraine") is dated as
    # that happening, whatever date its sentence gives for something else.
    if when is None and named:
        when = dating.anchor_date(own_text)
    if when is None:
        when = (
            dating.sentence_date(own_text, published, precision)
            if dating.may_date(own_text)
            else None
        )
    if when is None and event.type in VIOLENT:
        when = dating.anchor_date(own_text)
    part = dates.clause(text, event.at)
    if when is None and not event.subordinate:
        # One clause of several (between semicolons): another clause's date is not this one's.
        when = dating.sentence_date(part, published, precision) if part != text else explicit
    if event.route.via is not Via.NOUN:  # a background act is not dated by the paragraph
        when = when or carried
    if when is not None:
        return when, True
    if published is None or event.route.topic:
        # An act named as a thing ("the CSTO's intervention showed...") with no date is a
        # recap of something earlier: left out rather than dated to the publication.
        return None, False
    return dates.undated(published, precision, lead, event.route.named_thing), False


def _own(text: str, event: Coded) -> str:
    """The text of an act's own clause (the sentence if the coder gave none), within
    its part of the sentence between semicolons."""
    low = text.rfind(";", 0, event.at) + 1
    high = text.find(";", event.at)
    high = len(text) if high == -1 else high
    start, end = event.clause
    if end <= start:
        start, end = low, high
    return text[max(start, low) : min(end, high)]


def sha256(document: Document) -> str:
    """The content hash by which a stored document is known to be unchanged."""
    return hashlib.sha256(document.text.encode("utf-8", "surrogatepass")).hexdigest()


def _codable(document: Document, text: str) -> tuple[list[Sentence], list[Sentence]]:
    """The sentences read (up to MAX_CODED_CHARS) and those of them short enough to code.

    What is left uncoded is logged, once per document.
    """
    read = list(itertools.takewhile(lambda s: s.end <= MAX_CODED_CHARS, sentences.split(text)))
    if len(text) > MAX_CODED_CHARS:
        log.warning(
            "%s: only its first %s characters of text were coded",
            document.id,
            f"{MAX_CODED_CHARS:,}",
        )
    kept = [s for s in read if len(s.text) <= MAX_SENTENCE_CHARS]
    if len(kept) < len(read):
        log.warning(
            "%s: sentences longer than %s characters, not coded: %d",
            document.id,
            f"{MAX_SENTENCE_CHARS:,}",
            len(read) - len(kept),
        )
    return read, kept


def event_key(event: Coded | CodedEvent) -> tuple[str, str, str]:
    """What two reports of one happening share (`bloc.core.rules.happening_key`)."""
    return happening_key(event)
