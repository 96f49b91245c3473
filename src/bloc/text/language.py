"""Which language a document or a sentence is in, from its letters.

bloc reads the languages of its registry (`bloc.text.reading`: English and
Russian). The script decides between them (the share of Cyrillic among
letters); a language of the script may tell related ones apart (the letters
Russian lacks mark the region's other Cyrillic languages: bloc.text.lang.ru.detect),
and those are stored but not coded. Text decoded with the wrong code page ("Ð Ð¾Ñ..."
or "Àðìåíèÿ") is "und": undetermined, not coded. No model is involved: counting letters is
exact enough for whole sentences and costs a few regular-expression scans.
"""

from __future__ import annotations

import re

from bloc.text.reading import languages, of_script

UNDETERMINED = "und"
"""ISO 639's code for a language that cannot be told (mis-decoded or letterless text)."""
MIXED_SHARE = 0.2
"""A document whose minority script has at least this share of its letters is mixed:
each of its sentences is read in its own language."""
SAMPLE = 20_000
"""Characters a document's language is judged on: more changes nothing."""

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0080-\u009f]")


def detect(text: str) -> str:
    """The language of a text: "en", "ru", another Cyrillic language's code, or "und".

    A text without Cyrillic letters is "en" (bloc reads Latin-script text as
    English, as before languages were told apart); a mixed one takes its
    majority script.
    """
    sample = text[:SAMPLE]
    if _CYRILLIC.search(sample) is None:
        return UNDETERMINED if _garbled(sample, -1) else _of_script("Latin", sample, -1)
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if _garbled(sample, cyrillic + latin):
        return UNDETERMINED
    if latin > cyrillic:
        return _of_script("Latin", sample, latin)
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

    A sentence mostly in the other script is read in that script's language;
    Cyrillic sentences are checked for the letters of other Cyrillic languages.
    """
    cyrillic = len(_CYRILLIC.findall(text))
    if not cyrillic:
        return _of_script("Latin", text, -1) if document != UNDETERMINED else document
    latin = len(_LATIN.findall(text))
    if latin > cyrillic:
        return _of_script("Latin", text, latin)
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
