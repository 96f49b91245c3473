"""Which language a document or a sentence is in, from its letters.

bloc reads the languages of its registry (`bloc.text.reading`: English and
Russian). The script decides between them (the share of Cyrillic among
letters); a language of the script may tell related ones apart (the letters
Russian lacks mark the region's other Cyrillic languages: bloc.text.lang.ru.detect),
and those are stored but not coded. Latin-script text is the script's first language
(English) unless a detector says, surely, that it is another: py3langid's bundled
model (offline, deterministic) names it ("de", "fr"), and a language bloc does not
read is stored under that code and not coded. Text decoded with the wrong code page
("Ð Ð¾Ñ..." or "Àðìåíèÿ") is "und": undetermined, not coded. Sentences are told by
their script alone: too short for a detector, and read in their document's language
when they share its script.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from bloc.text.reading import languages, of_script

UNDETERMINED = "und"
"""ISO 639's code for a language that cannot be told (mis-decoded or letterless text)."""
MIXED_SHARE = 0.2
"""A document whose minority script has at least this share of its letters is mixed:
each of its sentences is read in its own language."""
SAMPLE = 20_000
"""Characters a document's language is judged on: more changes nothing."""
DETECTOR_SAMPLE = 2_000
"""Characters of a Latin-script document the detector reads: enough to be sure, and
its cost stays a millisecond or two per document."""
DETECTOR_LETTERS = 100
"""Fewer Latin letters than this are too few for the detector: the script decides."""
SURE = 0.99
"""The detector's probability (normalised over its 97 languages) above which its
answer overrides the script's first language."""

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0080-\u009f]")


def detect(text: str) -> str:
    """The language of a text: "en", "ru", another language's code, or "und".

    A mixed text takes its majority script's first language; Latin-script text is
    English unless the detector is sure it is another language.
    """
    sample = text[:SAMPLE]
    if _CYRILLIC.search(sample) is None:
        return UNDETERMINED if _garbled(sample, -1) else _latin(sample)
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if _garbled(sample, cyrillic + latin):
        return UNDETERMINED
    if latin > cyrillic:
        return _of_script("Latin", sample, latin)  # mixed: the detector would read both
    return _of_script("Cyrillic", sample, cyrillic)


def shares(text: str) -> tuple[int, int]:
    """The Cyrillic and Latin letters of a text, counted."""
    return len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))


def mixed(text: str) -> bool:
    """Whether a text has both scripts in earnest (MIXED_SHARE or more of the minority)."""
    cyrillic, latin = shares(text[:SAMPLE])
    letters = cyrillic + latin
    return bool(letters) and min(cyrillic, latin) / letters >= MIXED_SHARE


def sentence(text: str, document: str) -> str:
    """The language of one sentence of a document in language `document`.

    A sentence in its document's script is in the document's language (a German
    document's sentences are German, left uncoded); one mostly in the other script is
    read in that script's first language; Cyrillic sentences are checked for the
    letters of other Cyrillic languages.
    """
    cyrillic = len(_CYRILLIC.findall(text))
    if not cyrillic:
        return _in_latin(text, document) if document != UNDETERMINED else document
    latin = len(_LATIN.findall(text))
    if latin > cyrillic:
        return _in_latin(text, document)
    return _of_script("Cyrillic", text, cyrillic)


def read() -> frozenset[str]:
    """The languages bloc codes (the registry's); any other is stored with its document
    and left uncoded."""
    return frozenset(languages())


def _of_script(script: str, text: str, letters: int) -> str:
    """The language of a text in `script`: the first registered language written in it,
    which may tell a related language apart ("ru" from "kk")."""
    found = of_script(script)
    return found[0].variant(text, letters) if found else UNDETERMINED


def _latin(text: str) -> str:
    """The language of a Latin-script document: the detector's, when it is sure and has
    enough letters to go on, else the script's first language."""
    sample = text[:DETECTOR_SAMPLE]
    if len(_LATIN.findall(sample)) >= DETECTOR_LETTERS:
        code, probability = _detector().classify(sample)
        if probability >= SURE:
            return str(code)
    return _of_script("Latin", text, -1)


@functools.cache
def _detector() -> Any:
    """py3langid's identifier over its bundled model, with normalised probabilities."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _script_of(code: str) -> str:
    """The script a document's language is written in: a registered language's own, a
    related language's (Kazakh is Cyrillic, as Russian), else Latin (the detector's)."""
    for lang in languages().values():
        if code == lang.lang or code in lang.related:
            return lang.script
    return "Latin"


def _in_latin(text: str, document: str) -> str:
    """A Latin-script sentence: in its document's language when that is Latin-script,
    else in the script's first language."""
    if document != UNDETERMINED and _script_of(document) == "Latin":
        return document
    return _of_script("Latin", text, -1)


def _garbled(text: str, letters: int) -> bool:
    """UTF-8 read as a Western code page ("Ð Ð¾Ñ"), or Cyrillic with many replacement characters.

    `letters` is the count of letters, or -1 for the Latin ones, counted only when needed
    (an English article has few accented letters, and is not scanned twice).
    """
    if letters >= 0 and text.count("\ufffd") > max(3, len(text) // 100):
        return True  # a Cyrillic text with holes: Latin text with a few is still read
    odd = len(_MOJIBAKE.findall(text))
    if odd <= 20:
        return False
    return odd > (len(_LATIN.findall(text)) if letters < 0 else letters) / 3
