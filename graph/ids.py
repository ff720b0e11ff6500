"""Deterministic ids derived from content, so the same entity from two files merges. Every derived id
of the graph is made here, whatever the input format.

Company names are compared in a normal form made with the field's libraries: rigour's database of
organisation types (legal forms: Ltd, GmbH, S.r.l., SpA, B.V., ...) and normality's transliteration
to lower-case ASCII.

>>> normalise_name("  NSO Group Technologies Ltd. ")
'nso group technologies'
>>> company_id("Hacking Team S.r.l.") == company_id("hacking team")
True
>>> person_id("Jamal Khashoggi")
'person-jamal-khashoggi'
>>> accountability_action_id("lawsuit", "2020-12", "US court in Texas", "GainJet")
'action-4afad68a7cb5'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from normality import normalize
from rigour.names import remove_org_types

from graph.pseudonyms import private_person_id, pseudonym  # noqa: F401 - keyed (HMAC); see graph/pseudonyms.py


def _fold(text: str) -> str:
    # Kept as it is for the person and pseudonym ids below: changing it would change every pseudonym.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def normalise_name(name: str) -> str:
    """Lower case, ASCII, punctuation to spaces, legal forms (rigour's organisation types) removed."""
    plain = normalize(name, ascii=True) or ""
    stripped = normalize(remove_org_types(name), ascii=True) or ""
    if stripped:
        return stripped
    # Every word reads as a legal form somewhere ("PP" is one in Poland): drop only the trailing ones.
    words = plain.split()
    while len(words) > 1 and not normalize(remove_org_types(words[-1]), ascii=True):
        words.pop()
    return " ".join(words)


def slug(text: str) -> str:
    return normalise_name(text).replace(" ", "-")


def short_hash(*parts: str, n: int = 12) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:n]


def company_id(name: str) -> str:
    return f"company-{slug(name)}"


def person_id(name: str) -> str:
    return f"person-{slug(name)}"


def organization_id(name: str, country: str | None) -> str:
    return f"org-{(country or 'xx').lower()}-{slug(name)}"


def web_source_id(url: str) -> str:
    return f"web-{short_hash(url.strip())}"


def file_source_id(sha256: str) -> str:
    return f"file-{sha256[:16]}"


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def accountability_action_id(kind: Any, date: Any, body: Any, against: Any) -> str:
    """An accountability action is what was done, when, by which body, against whom: the same action from
    the case format (nested in a case or company) and from a spreadsheet bundle row gets the same id, and
    one action concerning an incident and a company is one node."""
    return "action-" + short_hash(*(_text(v) for v in (kind, date, body, against)))


def un_naming_action_id(symbol: str, iso2: str) -> str:
    return f"action-un-{slug(symbol)}-{iso2.lower()}"


def transfer_id(unique_id: str) -> str:
    """A Surveillance Industry Index transfer record."""
    return f"sii-{unique_id}"


def mvt_collection_id(name: str) -> str:
    return f"mvt-{slug(name)}"
