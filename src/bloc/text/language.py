"""Which language a document or a sentence is in, from its letters alone.

bloc reads English and Russian. The script decides between them (the share
of Cyrillic among letters); the letters Russian lacks tell the region's other
Cyrillic languages apart (Kazakh ә ұ қ ғ, Kyrgyz ң ө ү, Tajik ҷ ӣ ӯ ҳ,
Ukrainian ї є ґ і, Belarusian ў), and those are stored but not coded as
Russian. Text decoded with the wrong code page ("Ð Ð¾Ñ..." or "Àðìåíèÿ") is
"und": undetermined, not coded. No model is involved: counting letters is
exact enough for whole sentences and costs a few regular-expression scans.
"""

from __future__ import annotations

import re

READ = frozenset({"en", "ru"})
"""The languages bloc codes; any other is stored with its document and left uncoded."""
UNDETERMINED = "und"
"""ISO 639's code for a language that cannot be told (mis-decoded or letterless text)."""
MIXED_SHARE = 0.2
"""A document whose minority script has at least this share of its letters is mixed:
each of its sentences is read in its own language."""
OTHER_SHARE = 0.01
"""Letters Russian lacks, above this share of the Cyrillic ones, make the text another
Cyrillic language (a Kazakh name quoted in Russian copy stays well under it)."""
SAMPLE = 20_000
"""Characters a document's language is judged on: more changes nothing."""

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u0080-\u009f]")
_OTHER = {
    "tg": re.compile(r"[ҷӣӯҳҶӢӮҲ]"),
    "kk": re.compile(r"[әұһӘҰҺ]"),
    "uk": re.compile(r"[їєґЇЄҐ]"),
    "be": re.compile(r"[ўЎ]"),
    "ky": re.compile(r"[ңөүҢӨҮ]"),
    "kk-tg": re.compile(r"[қғҚҒ]"),
    "uk-kk-be": re.compile(r"[іІ]"),
}


def detect(text: str) -> str:
    """The language of a text: "en", "ru", another Cyrillic language's code, or "und".

    A text without Cyrillic letters is "en" (bloc reads Latin-script text as
    English, as before languages were told apart); a mixed one takes its
    majority script.
    """
    sample = text[:SAMPLE]
    if _CYRILLIC.search(sample) is None:
        return UNDETERMINED if _garbled(sample, -1) else "en"
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if _garbled(sample, cyrillic + latin):
        return UNDETERMINED
    if latin > cyrillic:
        return "en"
    return _cyrillic_language(sample, cyrillic)


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
        return "en" if document != UNDETERMINED else document
    latin = len(_LATIN.findall(text))
    if latin > cyrillic:
        return "en"
    return _cyrillic_language(text, cyrillic)


def _cyrillic_language(text: str, cyrillic: int) -> str:
    counts = {code: len(rx.findall(text)) for code, rx in _OTHER.items()}
    if sum(counts.values()) <= OTHER_SHARE * cyrillic:
        return "ru"
    for code in ("tg", "kk", "uk", "be", "ky"):
        if counts[code] > OTHER_SHARE * cyrillic / 4:
            return code
    if counts["kk-tg"]:
        return "kk"
    return "uk"


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
