"""The Citizen Lab report corpus (2011–2017, scraped by Transparency Toolkit): each report a ``Source``
(kind report: title, date, authors, URL, tags), and a gazetteer of the graph's own countries, companies,
products and state agencies that records ``(Source)-[:MENTIONS {count, terms, snippet}]->(entity)``.

Matching is exact, case-sensitive, on word boundaries. Names that are also common words in the corpus
("Area", "Nice", "Bull"), generic agency names ("Ministry of Interior") and names shared by two entities
are left out of the gazetteer (rules in ``Gazetteer.build``; precision in docs/external-data.md).
Ambiguous short names (a company or agency name of 4 characters or fewer, and the terms listed in
``graph/data/gazetteer.yaml``: Hacking Team's "RCS" is not RCS Lab) count only with context in the same
report: a longer name of the same company, or the agency's state.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import pycountry
import yaml

from graph import ids
from graph.countries import _SHORT_NAMES, country_name
from graph.queries import run_internal
from ingest.batch import RecordError, RecordGraph
from ingest.common import Context, parse_date
from ingest.readers import read_json

SNIPPET = 90  # characters either side of the first match
GENERIC_AGENCY_WORDS = frozenset(
    "ministry of the interior defense defence national security agency service services intelligence police "
    "army government general directorate department federal bureau state secret office information military "
    "forces force special command unit counter and de la y o del for affairs internal public president "
    "presidential guard navy republic authority authorities committee council".split())
# Country-name aliases that are too ambiguous for free text (a US state, a surname, a word).
AMBIGUOUS_COUNTRY_TERMS = frozenset({"Georgia", "Jordan", "Chad", "America", "Guinea", "Dominica", "Niger",
                                     "Turkey", "Congo", "England", "Scotland", "Britain", "Holland", "Vatican",
                                     "Emirates", "Korea"})


# Country aliases kept for resolving dataset spellings but not used on free text ("Telecom Italia").
NATIVE_OR_MISSPELT = frozenset({"italia", "deutschland", "españa", "norwat"})


SHORT_NAME = 4  # characters: a company or agency name this short needs context


def ambiguous_terms() -> frozenset[str]:
    raw = yaml.safe_load((files("graph") / "data" / "gazetteer.yaml").read_text(encoding="utf-8")) or {}
    return frozenset(str(t) for t in raw.get("ambiguous") or [])


@dataclass
class Gazetteer:
    terms: dict[str, tuple[str, str]]  # term -> (label, key)
    rx: re.Pattern | None
    needs_context: frozenset[str] = frozenset()  # terms that count only with context in the same text
    context: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # agency -> its Country

    @classmethod
    def build(cls, entities: list[tuple[str, str, list[str]]], corpus: str = "",
              context: dict[tuple[str, str], tuple[str, str]] | None = None) -> Gazetteer:
        """``entities``: (label, key, names). A term naming two entities is dropped, and so is a term whose
        lower-case form occurs 3 times or more in ``corpus`` (a common word or phrase: "Area", "Security
        Research"), unless it is all capitals. ``context``: the Country whose mention gives an agency's short
        name its context."""
        seen: dict[str, set[tuple[str, str]]] = {}
        for label, key, names in entities:
            for n in names:
                n = " ".join(str(n).split())
                if len(n) < 3 or n in AMBIGUOUS_COUNTRY_TERMS:
                    continue
                seen.setdefault(n, set()).add((label, key))
        common = _common_phrases([t for t in seen if not t.isupper() and t != t.lower()], corpus)
        seen = {t: v for t, v in seen.items() if t.lower() not in common}
        terms = {t: next(iter(v)) for t, v in seen.items() if len(v) == 1}
        if not terms:
            return cls({}, None)
        listed = ambiguous_terms()
        needs = frozenset(t for t, (label, _) in terms.items()
                          if label in ("Company", "Organization") and (len(t) <= SHORT_NAME or t in listed))
        alt = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        return cls(terms, re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])"), needs, dict(context or {}))

    def find(self, text: str) -> dict[tuple[str, str], dict[str, Any]]:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        if not self.rx:
            return out
        for m in self.rx.finditer(text):
            ent = self.terms[m.group(0)]
            hit = out.get(ent)
            if hit is None:
                a, b = max(0, m.start() - SNIPPET), min(len(text), m.end() + SNIPPET)
                out[ent] = {"count": 1, "terms": [m.group(0)], "snippet": " ".join(text[a:b].split())}
            else:
                hit["count"] += 1
                if m.group(0) not in hit["terms"]:
                    hit["terms"].append(m.group(0))
        return {ent: hit for ent, hit in out.items() if self._has_context(ent, hit, out)}

    def _has_context(self, ent: tuple[str, str], hit: dict[str, Any], hits: dict) -> bool:
        """A hit made only of ambiguous short names counts when its context is in the same text: another name
        of the same entity (then it is not only short names), or the agency's state."""
        if any(t not in self.needs_context for t in hit["terms"]):
            return True
        return ent in self.context and self.context[ent] in hits


def _agency_ok(name: str) -> bool:
    words = re.findall(r"[A-Za-z]+", name.lower())
    return bool(words) and not all(w in GENERIC_AGENCY_WORDS for w in words) and " - " not in name


def _country_names(iso2: str) -> list[str]:
    names = {country_name(iso2)}
    c = pycountry.countries.get(alpha_2=iso2)
    for attr in ("name", "common_name"):
        if c is not None and getattr(c, attr, None) and "," not in getattr(c, attr):
            names.add(getattr(c, attr))
    if iso2 in _SHORT_NAMES:
        names.add(_SHORT_NAMES[iso2])
    aliases = yaml.safe_load((files("graph") / "data" / "country_aliases.yaml").read_text(encoding="utf-8"))
    for k, v in aliases.items():
        if v != iso2 or "." in k or "," in k or k in NATIVE_OR_MISSPELT:
            continue
        if len(k) <= 4 and k.isalpha():
            names.add(k.upper())  # uae -> UAE, drc -> DRC
        elif len(k) > 4:
            names.add(k.title())
    return sorted(names)


def entities(store, batch) -> list[tuple[str, str, list[str]]]:
    """(label, key, names) for every country, company (names, aliases, products) and state agency in the
    graph and in the batch being loaded."""
    out: dict[tuple[str, str], set[str]] = {}
    for k in run_internal(store, "country_keys").iso2:
        out.setdefault(("Country", k), set())
    for k in batch.nodes.get("Country", {}):
        out.setdefault(("Country", k), set())
    for key in list(out):
        out[key] |= set(_country_names(key[1]))
    companies = {k: (p.get("name"), p.get("aliases"), p.get("products")) for k, p in batch.nodes.get("Company", {}).items()}
    for k, n, a, p in run_internal(store, "company_names").itertuples(index=False):
        companies.setdefault(k, (n, a, p))
    for k, (n, a, p) in companies.items():
        names = {n, *(a or []), *(p or [])}
        out[("Company", k)] = {x for x in names if x and "(" not in x}
    orgs = {k: (p.get("name"), p.get("kind"), p.get("country")) for k, p in batch.nodes.get("Organization", {}).items()}
    for k, n, kind, c in run_internal(store, "organization_names").itertuples(index=False):
        orgs.setdefault(k, (n, kind, c))
    for k, (n, kind, _) in orgs.items():
        if kind == "state_agency" and n and _agency_ok(n):
            out[("Organization", k)] = {n}
    return [(label, key, sorted(names)) for (label, key), names in sorted(out.items())]


def agency_states(store, batch) -> dict[tuple[str, str], tuple[str, str]]:
    """The Country of every state agency, the context its short name needs."""
    orgs = {k: p.get("country") for k, p in batch.nodes.get("Organization", {}).items()}
    for k, _, _, c in run_internal(store, "organization_names").itertuples(index=False):
        orgs.setdefault(k, c)
    return {("Organization", k): ("Country", c) for k, c in orgs.items() if c}


URL_RX = re.compile(r"\S+://\S+|www\.\S+")


def corpus_text(reports: list[dict[str, Any]]) -> str:
    """The reports' text without URLs (whose lower-case words are not prose)."""
    return URL_RX.sub(" ", "\n".join(str(r.get("text") or "") for r in reports))


def _common_phrases(terms: list[str], corpus: str) -> set[str]:
    """Lower-case forms of ``terms`` that occur 3 times or more in ``corpus`` (case-sensitive)."""
    if not terms or not corpus:
        return set()
    lows = sorted({t.lower() for t in terms}, key=len, reverse=True)
    rx = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in lows) + r")(?![\w-])")
    c = Counter(m.group(0) for m in rx.finditer(corpus))
    return {t for t, n in c.items() if n >= 3}


def map_report(rec: dict[str, Any], ctx: Context, reports: list[dict[str, Any]]) -> RecordGraph:
    rg = RecordGraph()
    url = rec.get("report_link")
    if not isinstance(url, str) or not url.strip():
        raise RecordError("report_link", "report_link: required (the report's URL is its identity)")
    d = parse_date(rec.get("date"), "date")
    authors = rec.get("authors")
    if authors is not None and not isinstance(authors, list):
        raise RecordError("authors", "authors: expected a list of names")
    sid = rg.node("Source", {
        "id": ids.web_source_id(url), "kind": "report", "url": url.strip(), "title": rec.get("title"),
        "publisher": rec.get("organization") or "Citizen Lab", "date": d["date"],
        "authors": [str(a) for a in authors or []] or None, "tags": [str(t) for t in rec.get("tags") or []] or None,
    }, "report_link")
    gaz = ctx.shared.get("gazetteer")
    if gaz is None:
        store, batch = ctx.shared["store"], ctx.shared["batch"]
        gaz = ctx.shared["gazetteer"] = Gazetteer.build(entities(store, batch), corpus_text(reports),
                                                        agency_states(store, batch))
    text = " ".join(str(rec.get(k) or "") for k in ("title", "description", "text"))
    for (label, key), hit in sorted(gaz.find(text).items()):
        rg.rel("MENTIONS", "Source", sid, label, key, {**ctx.provenance([url]), **hit})
    return rg


def records(path: Path) -> Iterator[tuple[Path, str, str, Any, str | None, Any]]:
    f = path
    if path.is_dir():
        found = sorted(path.glob("*.json"))
        if not found:
            yield path, str(path), "file", None, "no .json report file in this folder", None
            return
        f = found[0]
    data, err = read_json(f)
    if err:
        yield f, str(f), "file", None, err, None
        return
    if not isinstance(data, list):
        yield f, str(f), "file", None, "expected a JSON array of reports", None
        return
    reports = [r for r in data if isinstance(r, dict)]
    for i, rec in enumerate(data, start=1):
        ref = f"#{i}"
        err = None if isinstance(rec, dict) else "expected a JSON object"
        yield f, str(f), ref, rec, err, (lambda r, ctx, _all=reports: map_report(r, ctx, _all))
