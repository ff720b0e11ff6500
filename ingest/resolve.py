"""Company entity resolution: every source's name for a company lands on one node, and every merge is
logged with its rule so that an analyst can review it and confirm or forbid it in a decisions file
(``graph/data/resolution.yaml``, shipped, or the analyst's own).

Rules, in order of precedence (the first that applies and is not forbidden wins):

1. ``analyst confirmed`` — a ``confirm`` group in the decisions file;
2. ``same name`` — the same normalised name (case, accents, punctuation, legal-form suffixes ignored);
3. ``alias`` — a name listed as an alias by a source (companies.jsonl ``aliases``, SII trading names);
4. ``known alias`` — ``graph/data/company_aliases.yaml`` (brands and rebrands: Gamma→FinFisher, Cytrox→Intellexa);
5. ``loose name`` — the same name once generic words (group, international, systems, networks, lab, …)
   are removed. A loose match never crosses headquarters or websites: it is refused when both names have
   a known HQ country and they differ, or both a known website and the domains differ, and a short key
   (under 4 letters: "SS8", "ZTE", "GOS") needs both HQs known and equal. A refused match is logged as
   ``kept apart`` with its reason; only an analyst's ``confirm`` can merge such a pair.

>>> r = CompanyResolver()
>>> r.register("FinFisher", rule="record")
('company-finfisher', 'FinFisher')
>>> r.resolve("Gamma International GmbH")[:2]
('company-finfisher', 'FinFisher')
>>> r.resolve("Acme Widgets")
('company-acme-widgets', 'Acme Widgets', None)
"""

from __future__ import annotations

import re
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
    "system", "networks", "network", "solutions", "software", "labs", "lab", "the", "and", "of",
    "corporation", "corp", "company", "co",
})
SHORT_KEY = 4  # letters: a shorter loose key must be backed by the same known HQ on both sides


class DecisionsError(ValueError):
    pass


def loose_key(name: str) -> str | None:
    """The normalised name without generic words; None when nothing is left.

    >>> loose_key("Gamma Group International"), loose_key("SS8 Networks"), loose_key("Systems Group")
    ('gamma', 'ss8', None)
    """
    words = [w for w in ids.normalise_name(name).split() if w not in GENERIC_WORDS]
    return " ".join(words) or None


def domain(url: str | None) -> str | None:
    """The host of a website without ``www.``: the part two records of one firm share.

    >>> domain("http://www.harris.com/"), domain("http://ht.com.au"), domain(None)
    ('harris.com', 'ht.com.au', None)
    """
    if not url or not isinstance(url, str):
        return None
    host = re.sub(r"^[a-z]+://", "", url.strip().lower()).split("/")[0].split(":")[0]
    return re.sub(r"^www\d?\.", "", host) or None


@lru_cache(maxsize=1)
def known_aliases() -> dict[str, list[str]]:
    raw = yaml.safe_load(KNOWN_ALIASES.read_text(encoding="utf-8")) or {}
    return {str(k): [str(a) for a in v or []] for k, v in raw.items()}


@dataclass
class Decisions:
    confirm: list[list[str]] = field(default_factory=list)
    forbid: set[frozenset[str]] = field(default_factory=set)
    path: str | None = None
    agency_confirm: dict[str, list[list[str]]] = field(default_factory=dict)
    agency_forbid: set[tuple[str, frozenset[str]]] = field(default_factory=set)

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
        agencies = raw.get("agencies") or {}
        a_confirm: dict[str, list[list[str]]] = {}
        a_forbid: set[tuple[str, frozenset[str]]] = set()
        for key in ("confirm", "forbid"):
            for i, g in enumerate(agencies.get(key) or []):
                if not isinstance(g, list) or len(g) < 3 or not all(isinstance(x, str) and x.strip() for x in g):
                    raise DecisionsError(f"{path}: agencies.{key}[{i}]: expected [ISO2, name, name, ...], got {g!r}")
                state, names = g[0].upper(), [" ".join(x.split()) for x in g[1:]]
                if key == "confirm":
                    a_confirm.setdefault(state, []).append(names)
                else:
                    a_forbid |= {(state, frozenset((a, b))) for a in names for b in names if a != b}
        return cls([list(g) for g in groups], forbid, str(path), a_confirm, a_forbid)

    def forbids(self, a: str, b: str) -> bool:
        return frozenset((ids.normalise_name(a), ids.normalise_name(b))) in self.forbid

    def forbids_agency(self, state: str, a: str, b: str) -> bool:
        return (state, frozenset((a, b))) in self.agency_forbid


@dataclass
class _Entry:
    cid: str
    canonical: str
    rule: str


@dataclass
class Facts:
    """What the records say of a company, to check a loose match against: HQ countries, website domains."""

    hqs: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)


def _hqs(hq: str | set[str] | list[str] | None) -> set[str]:
    if not hq:
        return set()
    return {hq} if isinstance(hq, str) else {h for h in hq if h}


class CompanyResolver:
    """Names to company ids; ``log`` lists the merges made while resolving (see ``merge_log``) and the loose
    matches kept apart."""

    def __init__(self, decisions: Decisions | None = None, use_known_aliases: bool = True):
        self.decisions = decisions or Decisions()
        self.exact: dict[str, _Entry] = {}
        self.loose: dict[str, list[_Entry]] = {}
        self.facts: dict[str, Facts] = {}
        self.evidence: dict[tuple[str, str], str] = {}
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
        if lk and all(e.cid != entry.cid for e in self.loose.get(lk, [])):
            self.loose.setdefault(lk, []).append(entry)

    def _known_entry(self, name: str) -> _Entry | None:
        key = ids.normalise_name(name)
        for canonical, aliases in self._known.items():
            if key in {ids.normalise_name(a) for a in [canonical, *aliases]}:
                return _Entry(ids.company_id(canonical), canonical, "known alias")
        return None

    def record_facts(self, cid: str, hq: str | set[str] | None = None, website: str | None = None) -> None:
        """HQ and website of company ``cid`` as its own record states them."""
        f = self.facts.setdefault(cid, Facts())
        f.hqs |= _hqs(hq)
        if domain(website):
            f.domains.add(domain(website))

    def record_hqs(self, cid: str) -> set[str]:
        return set(self.facts[cid].hqs) if cid in self.facts else set()

    def add_known(self, name: str, cid: str, canonical: str, rule: str) -> None:
        """A name the graph already holds for company ``cid``."""
        self._add(name, _Entry(cid, canonical, rule))

    def register(self, name: str, aliases: list[str] | None = None, rule: str = "alias",
                 cid: str | None = None, hq: str | set[str] | None = None,
                 website: str | None = None) -> tuple[str, str]:
        """Make ``name`` (and its aliases) known, with its record's HQ and website; return (id, canonical
        name) it resolves to."""
        if cid is None:
            cid, canonical, how = self.resolve(name, hq, website)
        else:
            canonical, how = name, None
        entry = _Entry(cid, canonical, how or "same name")
        self.record_facts(cid, hq, website)
        self._add(name, entry)
        for alias in aliases or []:
            self._add(alias, _Entry(cid, canonical, rule))
        return cid, canonical

    # -- resolving -----------------------------------------------------------------------------
    def _loose_ok(self, name: str, hqs: set[str], dom: str | None, e: _Entry, short: bool) -> tuple[bool, str]:
        """Whether a loose match of ``name`` onto ``e`` may merge, and the evidence for or against it."""
        f = self.facts.get(e.cid, Facts())
        if hqs and f.hqs and not hqs & f.hqs:
            return False, f"different HQ: {name} {'/'.join(sorted(hqs))}, {e.canonical} {'/'.join(sorted(f.hqs))}"
        if dom and f.domains and dom not in f.domains:
            return False, f"different website: {name} {dom}, {e.canonical} {'/'.join(sorted(f.domains))}"
        if short and not hqs & f.hqs:
            return False, f"short name, HQ not known on both sides: {name}, {e.canonical}"
        same = sorted(hqs & f.hqs)
        return True, (f"same HQ {'/'.join(same)}" if same else "HQ known on at most one side, no conflict")

    def resolve(self, name: str, hq: str | set[str] | None = None,
                website: str | None = None) -> tuple[str, str, str | None]:
        """(id, canonical name, rule) for ``name``; rule is None when the name stands for itself. ``hq`` and
        ``website`` are what the naming record says of the firm: a loose match must agree with them."""
        key = ids.normalise_name(name)
        candidates = [self.exact.get(key), self._known_entry(name)]
        lk = loose_key(name)
        if lk and key not in self.exact:
            hqs, dom = _hqs(hq), domain(website)
            short = len(lk.replace(" ", "")) < SHORT_KEY
            fits = []
            for e in self.loose.get(lk, []):
                if e.cid == ids.company_id(name) or self.decisions.forbids(name, e.canonical):
                    continue
                ok, why = self._loose_ok(name, hqs, dom, e, short)
                if ok:
                    fits.append((e, why))
                else:
                    self.note(name, e.cid, e.canonical, "loose name", "", action="kept apart", evidence=why)
            if len(fits) == 1:
                e, why = fits[0]
                self.evidence[(name, e.cid)] = why
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

    def note(self, name: str, cid: str, canonical: str, rule: str, where: str, action: str = "merged",
             evidence: str | None = None) -> None:
        """Log one merge (once per file record and name), or one loose match kept apart (once per pair)."""
        k = (name, cid, rule, where if action == "merged" else "", action)
        if k not in self._logged:
            self._logged.add(k)
            self.log.append({"action": action, "name": name, "merged_into": cid, "canonical_name": canonical,
                             "rule": rule, "evidence": evidence or self.evidence.get((name, cid)) or self._why(rule, name),
                             "record": where})

    def _why(self, rule: str, name: str) -> str | None:
        if rule == "analyst confirmed":
            return f"confirm in {Path(self.decisions.path).name if self.decisions.path else 'the decisions file'}"
        if rule == "same name":
            return f"normalised name {ids.normalise_name(name)!r}"
        if rule == "known alias":
            return "graph/data/company_aliases.yaml"
        return None


# --- state agencies ------------------------------------------------------------------------------

_ACRONYM_IN_BRACKETS = re.compile(r"\(\s*([A-Z][A-Za-z&]{1,7})\s*\)")
_MINOR_WORDS = frozenset("of the and for de la le du des del y et di".split())


def acronyms(name: str) -> set[str]:
    """The acronyms a state body's name carries: one in brackets, the name itself when it is one word of at
    most 5 letters, and the initials of a name of two or more main words.

    >>> sorted(acronyms("Conseil Superieur De La Defense Nationale (CSDN)")), sorted(acronyms("Trd"))
    (['CSDN'], ['TRD'])
    >>> sorted(acronyms("National Security Service (SNB)")), sorted(acronyms("Federal Bureau of Investigation"))
    (['NSS', 'SNB'], ['FBI'])
    """
    out = {m.upper() for m in _ACRONYM_IN_BRACKETS.findall(name)}
    bare = _ACRONYM_IN_BRACKETS.sub(" ", name)
    words = re.findall(r"[A-Za-z]+", bare)
    if len(words) == 1 and len(words[0]) <= 5:
        out.add(words[0].upper())
    main = [w for w in words if w.lower() not in _MINOR_WORDS]
    if len(main) >= 2 and len(words) == len(re.findall(r"\S+", bare)):
        out.add("".join(w[0] for w in main).upper())
    return out


class _Groups:
    """Union-find over names, remembering the rule that first joined each name."""

    def __init__(self, names: set[str]):
        self.parent = {n: n for n in names}
        self.rules: dict[str, str] = {}

    def find(self, n: str) -> str:
        while self.parent[n] != n:
            n = self.parent[n]
        return n

    def union(self, a: str, b: str, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
            self.rules.setdefault(a, rule)
            self.rules.setdefault(b, rule)

    def members(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for n in sorted(self.parent):
            out.setdefault(self.find(n), []).append(n)
        return list(out.values())


def _full_name(name: str) -> str:
    return ids.normalise_name(_ACRONYM_IN_BRACKETS.sub(" ", name))


class AgencyResolver:
    """State agencies resolved within their state, like companies, with the same merge log: names of one
    state that share an acronym (in brackets, as the whole name, or as the initials of the full name:
    "CSDN" = "Conseil Superieur De La Defense Nationale (CSDN)", "FBI" = "Federal Bureau of Investigation")
    are one agency, unless two different full names claim that acronym. The longest name is canonical.
    Decisions: ``agencies: {confirm: [[ISO2, name, name, ...]], forbid: [[ISO2, name, name]]}``."""

    def __init__(self, decisions: Decisions | None = None):
        self.decisions = decisions or Decisions()
        self.names: dict[str, set[str]] = {}
        self.groups: dict[tuple[str, str], tuple[str, str]] | None = None
        self.log: list[dict[str, Any]] = []
        self._logged: set[tuple] = set()

    def register(self, name: str, state: str | None) -> None:
        if state and name and name.strip():
            self.names.setdefault(state, set()).add(" ".join(name.split()))
            self.groups = None

    def _group(self) -> dict[tuple[str, str], tuple[str, str]]:
        out: dict[tuple[str, str], tuple[str, str]] = {}
        for state, names in self.names.items():
            groups = _Groups(names)
            by_key: dict[str, list[str]] = {}
            for n in sorted(names):
                by_key.setdefault("name:" + _full_name(n), []).append(n)
                for a in acronyms(n):
                    by_key.setdefault("acronym:" + a, []).append(n)
            pairs = []
            for key, group in sorted(by_key.items()):
                full = {_full_name(n) for n in group if len(_full_name(n).split()) > 1}
                if key.startswith("acronym:") and len(full) > 1:
                    self._note(state, group, None, "agency acronym", "kept apart",
                               f"{key[8:]} is claimed by {len(full)} different full names")
                    continue
                rule = "same name" if key.startswith("name:") else f"agency acronym ({key[8:]})"
                pairs += [(group[0], n, rule) for n in group[1:]]
            for group in self.decisions.agency_confirm.get(state, []):
                present = [n for n in group if n in names]
                pairs += [(present[0], n, "analyst confirmed") for n in present[1:]]
            for a, b, rule in pairs:
                if not self.decisions.forbids_agency(state, a, b):
                    groups.union(a, b, rule)
            for members in groups.members():
                canonical = max(members, key=lambda n: (len(n), n))
                for n in members:
                    out[(state, n)] = (ids.organization_id(canonical, state), canonical)
                    if n != canonical and ids.organization_id(n, state) != out[(state, n)][0]:
                        self._note(state, [n], out[(state, n)], groups.rules.get(n, "agency acronym"), "merged", None)
        return out

    def _note(self, state: str, names: list[str], into: tuple[str, str] | None, rule: str, action: str,
              evidence: str | None) -> None:
        for n in names:
            k = (state, n, action, rule)
            if k not in self._logged:
                self._logged.add(k)
                self.log.append({"action": action, "label": "Organization", "name": n, "state": state,
                                 "merged_into": into[0] if into else None, "canonical_name": into[1] if into else None,
                                 "rule": rule, "evidence": evidence or f"same state {state}", "record": ""})

    def resolve(self, name: str, state: str | None) -> tuple[str, str]:
        """(id, canonical name) of the agency ``name`` of ``state``."""
        name = " ".join(str(name).split())
        if self.groups is None:
            self.groups = self._group()
        return self.groups.get((state, name)) if state and (state, name) in self.groups else (
            ids.organization_id(name, state), name)
