"""Russian among the region's Cyrillic languages, by the letters Russian lacks.

Kazakh ә ұ қ ғ, Kyrgyz ң ө ү, Tajik ҷ ӣ ӯ ҳ, Ukrainian ї є ґ і, Belarusian ў: those
texts are stored under their own code but not coded as Russian.
"""

from __future__ import annotations

import re

OTHER_SHARE = 0.01
"""Letters Russian lacks, above this share of the Cyrillic ones, make the text another
Cyrillic language (a Kazakh name quoted in Russian copy stays well under it)."""
RELATED = frozenset({"tg", "kk", "uk", "be", "ky"})
"""The languages `identify` tells Russian apart from."""
_OTHER = {
    "tg": re.compile(r"[ҷӣӯҳҶӢӮҲ]"),
    "kk": re.compile(r"[әұһӘҰҺ]"),
    "uk": re.compile(r"[їєґЇЄҐ]"),
    "be": re.compile(r"[ўЎ]"),
    "ky": re.compile(r"[ңөүҢӨҮ]"),
    "kk-tg": re.compile(r"[қғҚҒ]"),
    "uk-kk-be": re.compile(r"[іІ]"),
}


def identify(text: str, cyrillic: int) -> str:
    """ "ru", or the code of the other Cyrillic language whose letters the text has."""
    counts = {code: len(rx.findall(text)) for code, rx in _OTHER.items()}
    if sum(counts.values()) <= OTHER_SHARE * cyrillic:
        return "ru"
    for code in ("tg", "kk", "uk", "be", "ky"):
        if counts[code] > OTHER_SHARE * cyrillic / 4:
            return code
    if counts["kk-tg"]:
        return "kk"
    return "uk"
