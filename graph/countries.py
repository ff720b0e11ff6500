"""Resolve any spelling of a state to one ISO 3166-1 alpha-2 code.

>>> resolve_country("Türkiye")
'TR'
>>> resolve_country("gbr")
'GB'
>>> resolve_country("Hong kong")
'HK'
>>> resolve_country("Kosovo")
'XK'
>>> country_name("XK"), region_of("RW")
('Kosovo', 'Eastern Africa')
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import files

import pycountry
import yaml

_DATA = files("graph") / "data"
# Codes in use that are not (or not yet) ISO 3166-1 entries.
_EXTRA_NAMES = {"XK": "Kosovo"}
# Shorter names than ISO's formal ones, for display.
_SHORT_NAMES = {
    "RU": "Russia", "IR": "Iran", "SY": "Syria", "KR": "South Korea", "KP": "North Korea", "VN": "Vietnam",
    "TW": "Taiwan", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova", "LA": "Laos",
    "HK": "Hong Kong", "MO": "Macao", "PS": "Palestine", "CD": "DR Congo", "GB": "United Kingdom",
    "US": "United States", "AE": "United Arab Emirates", "TR": "Türkiye", "CZ": "Czechia",
}


class UnknownCountry(ValueError):
    pass


def _fold(text: str) -> str:
    text = " ".join(text.strip().lower().split())
    return text


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _all_strings(values, name: str) -> None:
    # YAML 1.1 reads a bare NO (Norway) as false: every code there must be quoted.
    bad = [v for v in values if not isinstance(v, str)]
    if bad:
        raise ValueError(f"{name}: non-string country codes {bad!r}; quote them")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    raw = yaml.safe_load((_DATA / "country_aliases.yaml").read_text(encoding="utf-8"))
    _all_strings(raw.values(), "country_aliases.yaml")
    return {_fold(k): v for k, v in raw.items()}


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    raw = yaml.safe_load((_DATA / "regions.yaml").read_text(encoding="utf-8"))
    _all_strings([c for codes in raw.values() for c in codes], "regions.yaml")
    return {code: region for region, codes in raw.items() for code in codes}


@lru_cache(maxsize=4096)
def resolve_country(text: str) -> str:
    """ISO2 code for a code, a name or an alias; raises UnknownCountry otherwise."""
    if text is None or not str(text).strip():
        raise UnknownCountry("empty country")
    raw = str(text).strip()
    folded = _fold(raw)
    if folded.upper() in _EXTRA_NAMES:
        return folded.upper()
    aliases = _aliases()
    for candidate in (folded, _ascii(folded), folded.removeprefix("the ")):
        if candidate in aliases:
            return aliases[candidate]
    if len(raw) in (2, 3) and raw.isalpha():
        c = pycountry.countries.get(alpha_2=raw.upper()) if len(raw) == 2 else pycountry.countries.get(alpha_3=raw.upper())
        if c:
            return c.alpha_2
        raise UnknownCountry(f"unknown country code {raw!r}")
    try:
        return pycountry.countries.lookup(raw).alpha_2
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(raw)
    except LookupError:
        matches = []
    # Fuzzy search also matches on subdivisions; accept only a single clear hit on a country name.
    if len(matches) == 1 and _fold(getattr(matches[0], "name", "")).startswith(folded[:4]):
        return matches[0].alpha_2
    raise UnknownCountry(f"unknown country {raw!r}")


def is_country_code(text: str) -> bool:
    return len(text) == 2 and (text in _EXTRA_NAMES or pycountry.countries.get(alpha_2=text) is not None)


def country_name(iso2: str) -> str:
    if iso2 in _SHORT_NAMES:
        return _SHORT_NAMES[iso2]
    if iso2 in _EXTRA_NAMES:
        return _EXTRA_NAMES[iso2]
    c = pycountry.countries.get(alpha_2=iso2)
    return getattr(c, "common_name", None) or c.name if c else iso2


def region_of(iso2: str) -> str | None:
    return _regions().get(iso2)


def country_names(iso2: str) -> list[tuple[str, str]]:
    """Every name the country library knows ``iso2`` by, with what kind of name it is.

    >>> ("Saudi Arabia", "country name") in country_names("SA")
    True
    >>> ("IRN", "ISO code") in country_names("IR")
    True
    """
    out = [(iso2, "ISO code"), (country_name(iso2), "country name")]
    c = pycountry.countries.get(alpha_2=iso2)
    if c:
        out.append((c.alpha_3, "ISO code"))
        out += [(getattr(c, a), "country name") for a in ("name", "official_name", "common_name") if getattr(c, a, None)]
    out += [(alias, "common name") for alias, code in _aliases().items() if code == iso2]
    return list(dict.fromkeys(out))
