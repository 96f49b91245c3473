"""The states of UN General Assembly vote files, as bloc's actor codes (ISO 3166 alpha-3).

A state of today takes its ISO 3166-1 alpha-3 code (pycountry), from the
file's alpha-2 code or, in Voeten's own layout, from its name. The states
that no longer exist take their ISO 3166-3 code where the file tells them
apart (Czechoslovakia CSK, Yugoslavia YUG, the German Democratic Republic
DDR, South Yemen YMD). Where the file or the UN seat runs on, so does the
code: the Soviet Union's votes are recorded as Russia's (RU; Correlates of
War 365) and are read as RUS; the Federal Republic of Germany's as DEU; the
Yemen Arab Republic's as YEM (its seat and ISO code passed to united
Yemen). Zanzibar, a member for a few weeks of 1963-64 with no ISO code, is
ZAN (its Correlates of War abbreviation). docs/datasets.md lists these.
"""

from __future__ import annotations

import functools

import pycountry

# Alpha-2 codes of states that no longer exist, as the vote files use them.
HISTORIC_ALPHA2 = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD", "SU": "SUN"}
# States the files name without a code, and names pycountry does not resolve.
BY_NAME = {
    "federal republic of germany": "DEU",
    "german federal republic": "DEU",
    "west germany": "DEU",
    "german democratic republic": "DDR",
    "east germany": "DDR",
    "yemen arab republic": "YEM",
    "yemen people's republic": "YMD",
    "south yemen": "YMD",
    "zanzibar": "ZAN",
    "czechoslovakia": "CSK",
    "yugoslavia": "YUG",
    "soviet union": "RUS",
    "ussr": "RUS",
    "russia": "RUS",
    "turkey": "TUR",
    "ivory coast": "CIV",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "congo": "COG",
    "democratic republic of the congo": "COD",
    "laos": "LAO",
    "north korea": "PRK",
    "south korea": "KOR",
    "iran": "IRN",
    "syria": "SYR",
    "vietnam": "VNM",
    "macedonia": "MKD",
    "burma": "MMR",
    "myanmar": "MMR",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "micronesia": "FSM",
    "brunei": "BRN",
    "east timor": "TLS",
    "taiwan": "TWN",
    "united states of america": "USA",
    "united kingdom": "GBR",
}
# Correlates of War codes whose state the name alone would misplace.
BY_CCODE = {
    "365": "RUS",  # Russia, and the Soviet Union before it
    "260": "DEU",  # German Federal Republic
    "255": "DEU",
    "265": "DDR",
    "315": "CSK",
    "345": "YUG",
    "678": "YEM",  # Yemen Arab Republic
    "679": "YEM",
    "680": "YMD",
    "511": "ZAN",
}


@functools.cache
def state_code(name: str | None, alpha2: str | None = None, ccode: str | None = None) -> str | None:
    """The actor code of a state as a vote file gives it; None when it cannot be told."""
    if ccode and ccode.strip() in BY_CCODE:
        return BY_CCODE[ccode.strip()]
    key = (name or "").strip().lower()
    if alpha2:
        code = alpha2.strip().upper()
        if code in HISTORIC_ALPHA2:
            return "RUS" if code == "SU" else HISTORIC_ALPHA2[code]
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            return str(country.alpha_3)
    if key in BY_NAME:
        return BY_NAME[key]
    if not key:
        return None
    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(key)
    except LookupError:
        return None
    return str(found[0].alpha_3) if len(found) == 1 else None
