"""Company entity resolution: every source's name for a company lands on one node, and every merge is
logged with its rule so that an analyst can review it and confirm or forbid it in a decisions file
(``graph/data/resolution.yaml``, shipped, or the analyst's own).

Rules, in order of precedence (the first that applies and is not forbidden wins):

1. ``analyst confirmed`` — a ``confirm`` group in the decisions file;
2. ``same name`` — the same normalised name (case, accents, punctuation, legal-form suffixes ignored);
3. ``alias`` — a name listed as an alias by a source (companies.jsonl ``aliases``, SII trading names);
4. ``known alias`` — ``graph/data/company_aliases.yaml`` (brands and rebrands: Gamma→FinFisher, Cytrox→Intellexa);
5. ``loose name`` — the same name once generic words (group, international, systems, …) are removed.

>>> r = CompanyResolver()
>>> r.register("FinFisher", rule="record")
('company-finfisher', 'FinFisher')
>>> r.resolve("Gamma International GmbH")[:2]
('company-finfisher', 'FinFisher')
>>> r.resolve("Acme Widgets")
('company-acme-widgets', 'Acme Widgets', None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from graph import ids

KNOWN_ALIASES = files("graph") / "data" / "company_aliases.yaml"
DEFAULT_DECISIONS = files("graph") / "data" / "resolution.yaml"  # the project's decisions, shipped in the package
GENERIC_WORDS = frozenset({
    "group", "holding", "holdings", "international", "intl", "technologies", "technology", "tech", "systems",
    "system", "networks", "network", "solutions", "software", "labs", "the", "and", "of",
})


class DecisionsError(ValueError):
    pass


def loose_key(name: str) -> str | None:
    """The normalised name without generic words; None when too little is left to be distinctive.

    >>> loose_key("Gamma Group International"), loose_key("NICE Systems"), loose_key("BAE Systems")
    ('gamma', 'nice', None)
    """
    words = [w for w in ids.normalise_name(name).split() if w not in GENERIC_WORDS]
    key = " ".join(words)
    return key if len(key.replace(" ", "")) >= 4 else None


@lru_cache(maxsize=1)
def known_aliases() -> dict[str, list[str]]:
    raw = yaml.safe_load(KNOWN_ALIASES.read_text(encoding="utf-8")) or {}
    return {str(k): [str(a) for a in v or []] for k, v in raw.items()}


@dataclass
class Decisions:
    confirm: list[list[str]] = field(default_factory=list)
    forbid: set[frozenset[str]] = field(default_factory=set)
    path: str | None = None

    @classmethod
    def load(cls, path: Path | None) -> Decisions:
        if path is None:
            return cls()
        if not Path(path).is_file():
            raise DecisionsError(f"{path}: no such decisions file")
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise DecisionsError(f"{path}: expected a mapping with 'confirm' and 'forbid'")
        groups = raw.get("confirm") or []
        pairs = raw.get("forbid") or []
        for key, items in (("confirm", groups), ("forbid", pairs)):
            for i, g in enumerate(items):
                if not isinstance(g, list) or len(g) < 2 or not all(isinstance(x, str) and x.strip() for x in g):
                    raise DecisionsError(f"{path}: {key}[{i}]: expected a list of two or more names, got {g!r}")
        forbid = set()
        for g in pairs:
            keys = [ids.normalise_name(x) for x in g]
            forbid |= {frozenset((a, b)) for a in keys for b in keys if a != b}
        return cls([list(g) for g in groups], forbid, str(path))

    def forbids(self, a: str, b: str) -> bool:
        return frozenset((ids.normalise_name(a), ids.normalise_name(b))) in self.forbid


@dataclass
class _Entry:
    cid: str
    canonical: str
    rule: str


class CompanyResolver:
    """Names to company ids; ``log`` lists the merges made while resolving (see ``merge_log``)."""

    def __init__(self, decisions: Decisions | None = None, use_known_aliases: bool = True):
        self.decisions = decisions or Decisions()
        self.exact: dict[str, _Entry] = {}
        self.loose: dict[str, _Entry] = {}
        self.log: list[dict[str, Any]] = []
        self._logged: set[tuple] = set()
        for group in self.decisions.confirm:
            canonical = group[0]
            for name in group:
                self._add(name, _Entry(ids.company_id(canonical), canonical, "analyst confirmed"), force=True)
        self._known = known_aliases() if use_known_aliases else {}

    # -- building ------------------------------------------------------------------------------
    def _add(self, name: str, entry: _Entry, force: bool = False) -> None:
        key = ids.normalise_name(name)
        if not key or self.decisions.forbids(name, entry.canonical):
            return
        if force:
            self.exact[key] = entry
        else:
            self.exact.setdefault(key, entry)
        lk = loose_key(name)
        if lk:
            self.loose.setdefault(lk, entry)

    def _known_entry(self, name: str) -> _Entry | None:
        key = ids.normalise_name(name)
        for canonical, aliases in self._known.items():
            if key in {ids.normalise_name(a) for a in [canonical, *aliases]}:
                return _Entry(ids.company_id(canonical), canonical, "known alias")
        return None

    def add_known(self, name: str, cid: str, canonical: str, rule: str) -> None:
        """A name the graph already holds for company ``cid``."""
        self._add(name, _Entry(cid, canonical, rule))

    def register(self, name: str, aliases: list[str] | None = None, rule: str = "alias",
                 cid: str | None = None) -> tuple[str, str]:
        """Make ``name`` (and its aliases) known; return (id, canonical name) it resolves to."""
        if cid is None:
            cid, canonical, how = self.resolve(name)
        else:
            canonical, how = name, None
        entry = _Entry(cid, canonical, how or "same name")
        self._add(name, entry)
        for alias in aliases or []:
            self._add(alias, _Entry(cid, canonical, rule))
        return cid, canonical

    # -- resolving -----------------------------------------------------------------------------
    def resolve(self, name: str) -> tuple[str, str, str | None]:
        """(id, canonical name, rule) for ``name``; rule is None when the name stands for itself."""
        key = ids.normalise_name(name)
        candidates = [self.exact.get(key), self._known_entry(name)]
        lk = loose_key(name)
        if lk and lk in self.loose:
            e = self.loose[lk]
            candidates.append(_Entry(e.cid, e.canonical, "loose name"))
        for e in candidates:
            if e is None or self.decisions.forbids(name, e.canonical):
                continue
            if e.rule == "known alias" and key not in self.exact:
                # A known alias of a company nobody has named yet still lands on the canonical id.
                self.exact[key] = e
            same = e.cid == ids.company_id(name)
            return e.cid, e.canonical, None if same else e.rule
        return ids.company_id(name), name, None

    def note(self, name: str, cid: str, canonical: str, rule: str, where: str) -> None:
        """Log one merge (once per file record and name)."""
        k = (name, cid, rule, where)
        if k not in self._logged:
            self._logged.add(k)
            self.log.append({"name": name, "merged_into": cid, "canonical_name": canonical, "rule": rule,
                             "record": where})
