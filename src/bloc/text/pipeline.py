"""One document through every stage: clean -> sentences -> actors -> coder -> dates.

`process` is a pure function of the document (and the bundled knowledge
base), so the local engine and Dask map the very same code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
from collections import Counter

from bloc.knowledge import bundled
from bloc.model import CodedEvent, Document, DocumentResult, Precision, Sentence
from bloc.text import clean, coder, dates, sentences
from bloc.text.actors import finder

log = logging.getLogger(__name__)

MAX_SENTENCE_CHARS = 2_000
"""A longer "sentence" is a run the splitter could not break (a table, a list, a
page without punctuation), not prose: it is neither searched for actors nor
coded. The longest sentence of the reference articles has 513 characters, and
coding costs more than linear time in a sentence's length."""
MAX_CODED_CHARS = 250_000
"""Only the sentences within this many characters of cleaned text are coded:
some 40,000 words, several times the longest magazine feature (the reference
articles have 5,000 to 11,000). It bounds the time one document takes, which
the reader's 8 MB cap alone does not: a megabyte of dense prose takes 5 to 10 s."""


def process(document: Document) -> DocumentResult:
    """Code one document into dated events, each with its supporting sentence."""
    kb = bundled()
    actors = finder()
    alliances = set(kb.alliances)
    text = clean.clean_text(document.text, limit=MAX_CODED_CHARS)
    digest = sha256(document)
    published = document.published
    all_sentences, coded_sentences = _codable(document, text)

    found_actors = [actors.find(s.text, published) for s in coded_sentences]
    named = Counter(m.code for ms in found_actors for m in ms if m.code in alliances)
    context = named.most_common(1)[0][0] if named else None

    kinds = {code: actor.kind for code, actor in kb.actors.items()}
    # A sports report: no clash or attack in it is armed.
    sport = coder.sporting(" ".join(s.text for s in all_sentences[:40])) and coder.sporting(text)
    found: list[CodedEvent] = []
    undated: list[bool] = []
    dated: set[tuple[str, str, str]] = set()
    seen: set[tuple[str, str, str, dt.date, str]] = set()
    carried: tuple[dt.date, Precision] | None = None
    previous_end = 0
    for sentence, plain in zip(coded_sentences, found_actors, strict=True):
        # A new paragraph forgets the date the last one gave. Looking only
        # between two sentences keeps a one-line text of many sentences linear.
        if text.find("\n", previous_end, sentence.start) != -1:
            carried = None
        previous_end = sentence.end
        explicit = (
            dates.sentence_date(sentence.text, published) if dates.may_date(sentence.text) else None
        )
        if explicit:
            carried = explicit
        mentions = actors.with_anaphors(sentence.text, plain, context)
        coded = coder.code_sentence(sentence.text, mentions, alliances, context, kinds)
        if sport:
            coded = [c for c in coded if c.type not in coder.VIOLENT]
        named_here = [m.code for m in mentions if m.code in alliances and m.form != "anaphor"]
        if named_here:
            context = named_here[-1]
        for event in coded:
            part = dates.clause(sentence.text, event.at)
            own = dates.sentence_date(part, published) if part != sentence.text else None
            if part != sentence.text:
                # One clause of several: another clause's date is not this one's.
                when = own or (dates.anchor_date(part) if event.type in coder.VIOLENT else None)
                when = when or carried
            else:
                when = explicit
                if when is None and event.type in coder.VIOLENT:
                    when = dates.anchor_date(part)
                when = when or carried
            stated = when is not None
            if when is None:
                if published is None:
                    continue  # an undated article: relative dates cannot be resolved
                when = dates.publication_month(published)
            years = dates.listed_years(part)
            moments = [(dt.date(y, 1, 1), "year") for y in years] if years else [when]
            for day, precision in moments:
                if published and day > published:
                    continue  # a date after publication is a misreading, not news
                key = (event.source, event.target, event.type, day, precision)
                if key in seen:
                    continue
                seen.add(key)
                if stated:
                    dated.add(event_key(event))
                found.append(
                    CodedEvent(
                        date=day,
                        precision=precision,  # type: ignore[arg-type]
                        source=event.source,
                        target=event.target,
                        type=event.type,
                        mode=event.mode,
                        alliance=event.alliance,
                        intensity=event.intensity,
                        confidence=min(0.95, event.confidence + (0.1 if stated else 0.0)),
                        document=document.id,
                        sentence=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                        published=published,
                        url=document.url,
                    )
                )
                undated.append(not stated)
    # A later mention with no date of its own ("Russia's invasion") of an act the
    # article dates elsewhere is the same happening, not a new one.
    kept = tuple(
        e
        for e, fallback in zip(found, undated, strict=True)
        if not (fallback and event_key(e) in dated)
    )
    return DocumentResult(document, len(all_sentences), kept, digest)


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


def event_key(event: coder.Coded | CodedEvent) -> tuple[str, str, str]:
    return (event.source, event.target, event.type)
