"""Find entities by name: one ranked picker for every place a reader names a state, company, agency,
person or incident (the Overview and Questions forms, the entity pages, Explore).

Candidates come from the ``entity_names`` query; countries also by every name the country library knows
(``graph.countries.country_names``: ISO codes, formal and common names, aliases). Text is compared
folded (case, accents and punctuation away, ``normality.normalize``). Each entity gets its best tier:

0. exact: the query is one of its names (a country's ISO2 or ISO3 code counts only here);
1. prefix: one of its names starts with the query;
2. word: a word of one of its names starts with the query;
3. substring: the query is inside one of its names;
4. summary: an incident whose summary contains the query.

Ties go to the kind of entity (countries, companies, organisations, incidents, persons), then the
shorter name. Nothing matches: :meth:`NameIndex.did_you_mean` proposes the closest names (difflib;
rapidfuzz is not installed here). A non-public person is found by the pseudonym only: the name is never
stored.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import NamedTuple

from normality import normalize

from graph.countries import country_names
from graph.queries import run_query
from graph.store.base import Store

TIERS = ("exact", "prefix", "word", "substring", "summary")
LABEL_ORDER = ("Country", "Company", "Organization", "Incident", "Person")


class Match(NamedTuple):
    """One ranked hit: the node (label, key), its display name, and why it matched (e.g. "exact ISO code")."""

    label: str
    key: str
    name: str
    why: str
    tier: int
    detail: str = ""


def fold(text: object) -> str:
    """Text as names are compared: lower case, ASCII, punctuation as spaces.

    >>> fold("Türkiye"), fold("NSO-Group, Ltd."), fold(None)
    ('turkiye', 'nso group ltd', '')
    """
    return normalize(str(text), ascii=True) or "" if text is not None else ""


@dataclass(frozen=True)
class Entry:
    label: str
    key: str
    name: str
    detail: str
    names: tuple[tuple[str, str, str], ...]  # (folded name, how it is known, the name as written)


def _tier(query: str, name: str) -> int | None:
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if f" {query}" in f" {name}":
        return 2
    if query in name:
        return 3
    return None


class NameIndex:
    """Every entity's names, built once from a store; :meth:`search` ranks them for a query."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_node = {(e.label, e.key): e for e in entries}

    @classmethod
    def from_store(cls, store: Store) -> NameIndex:
        entries = []
        for r in run_query(store, "entity_names").to_dict("records"):
            label, key, name = r["label"], str(r["key"]), str(r["name"] or r["key"])
            names: list[tuple[str, str]] = [(name, "name")]
            if label == "Country":
                names += country_names(key)
            elif label == "Company":
                names += [(a, "alias") for a in r["aliases"] or ()] + [(m, "merged name") for m in r["merged_names"] or ()]
            elif label in ("Organization", "Person", "Incident"):
                names += [(key, "id")]
            folded = tuple(dict.fromkeys((fold(n), how, str(n)) for n, how in names if fold(n)))
            entries.append(Entry(label, key, name, "" if r["detail"] is None else str(r["detail"]), folded))
        return cls(entries)

    def entry(self, label: str, key: str) -> Entry | None:
        return self._by_node.get((label, key))

    def display(self, label: str, key: str) -> str:
        """The name to show for a node (its key if the index does not hold it)."""
        e = self.entry(label, key)
        return e.name if e else key

    def search(self, text: str, labels: tuple[str, ...] | list[str] | None = None, limit: int = 20) -> list[Match]:
        """Entities named by ``text``, best first (see the module docstring for the ranking)."""
        query = fold(text)
        if not query:
            return []
        found = []
        for e in self.entries:
            if labels and e.label not in labels:
                continue
            best: tuple[int, str] | None = None
            for folded, how, written in e.names:
                if how == "ISO code" and folded != query:
                    continue  # "s" is not a prefix of Saudi Arabia's code worth showing
                t = _tier(query, folded)
                if t is not None and (best is None or t < best[0]):
                    best = (t, how if how in ("name", "ISO code", "id") else f"{how} {written}")
            if best is None and e.label == "Incident" and query in fold(e.detail):
                best = (4, "")
            if best is not None:
                why = f"{TIERS[best[0]]}: {best[1]}" if best[1] else "its summary mentions it"
                found.append(Match(e.label, e.key, e.name, why, best[0], e.detail))
        found.sort(key=lambda m: (m.tier, LABEL_ORDER.index(m.label) if m.label in LABEL_ORDER else 99,
                                  len(m.name), m.name, m.key))
        return found[:limit]

    def did_you_mean(self, text: str, labels: tuple[str, ...] | list[str] | None = None, n: int = 3) -> list[Match]:
        """The entities whose names are closest to ``text`` (for a query that matched nothing)."""
        query = fold(text)
        names = {}
        for e in self.entries:
            if not labels or e.label in labels:
                for folded, how, _ in e.names:
                    if how != "ISO code":
                        names.setdefault(folded, e)
        out = []
        for close in difflib.get_close_matches(query, list(names), n=n * 2, cutoff=0.6):
            e = names[close]
            if all((m.label, m.key) != (e.label, e.key) for m in out):
                out.append(Match(e.label, e.key, e.name, f"close to {close}", len(TIERS), e.detail))
        return out[:n]


@dataclass(frozen=True)
class Pick:
    """What a typed name resolves to: the chosen match (the best), the runners-up, and hints when none."""

    text: str
    chosen: Match | None
    others: tuple[Match, ...] = ()
    did_you_mean: tuple[Match, ...] = ()

    @property
    def message(self) -> str:
        """One line for the reader: what was chosen and why, or that nothing matched (and what is close)."""
        if self.chosen:
            m = self.chosen
            also = f"; also: {', '.join(o.name for o in self.others[:3])}" if self.others else ""
            return f"{m.name} ({m.label} {m.key}), {m.why}{also}"
        hint = f"; did you mean {' or '.join(m.name for m in self.did_you_mean)}?" if self.did_you_mean else ""
        return f"no match for “{self.text}”{hint}"


def pick(index: NameIndex, text: str, labels: tuple[str, ...] | list[str] | None = None) -> Pick:
    """The entity a form field's text names: the best-ranked match, or none with "did you mean" hints.

    A value that is already a key of one of ``labels`` (``SA``, ``company-nso-group``) picks that node.
    """
    hits = index.search(text, labels, limit=6)
    exact_key = [m for m in hits if m.key == str(text).strip()]
    if exact_key:
        hits = exact_key + [m for m in hits if m not in exact_key]
    if hits:
        return Pick(text, hits[0], tuple(hits[1:]))
    return Pick(text, None, (), tuple(index.did_you_mean(text, labels)))


def find_entities(store: Store, text: str, labels: tuple[str, ...] | list[str] | None = None,
                  limit: int = 20) -> list[Match]:
    """Ranked entities named by ``text`` (exact, prefix, word, substring), each with why it matched.

    >>> # find_entities(store, "saudi", ["Country"])[0][:3] == ("Country", "SA", "Saudi Arabia")
    """
    return NameIndex.from_store(store).search(text, labels, limit)
