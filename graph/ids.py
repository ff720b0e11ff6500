"""Deterministic ids derived from content, so the same entity from two files merges.

>>> normalise_name("  NSO Group Technologies Ltd. ")
'nso group technologies'
>>> company_id("Hacking Team S.r.l.") == company_id("hacking team")
True
>>> person_id("Jamal Khashoggi")
'person-jamal-khashoggi'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from graph.pseudonyms import private_person_id, pseudonym  # noqa: F401 - keyed (HMAC); see graph/pseudonyms.py

LEGAL_SUFFIXES = (
    "ltd", "limited", "inc", "incorporated", "llc", "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "s r l",
    "spa", "s p a", "bv", "nv", "ab", "as", "oy", "kft", "zrt", "ad", "co", "corp", "corporation", "company",
    "pte", "pty", "sl",
)
_SUFFIX_RX = re.compile(r"(?:\s+(?:" + "|".join(re.escape(s) for s in LEGAL_SUFFIXES) + r"))+$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def normalise_name(name: str) -> str:
    """Lower case, ASCII, punctuation to spaces, legal-form suffixes removed."""
    folded = _fold(name)
    stripped = _SUFFIX_RX.sub("", folded).strip()
    return stripped or folded


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
