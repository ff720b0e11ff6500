"""Pieces every input format uses: countries, persons, companies, sources, partial dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph import ids
from graph.countries import UnknownCountry, country_name, region_of, resolve_country
from ingest.batch import RecordError, RecordGraph
from ingest.resolve import AgencyResolver, CompanyResolver

DATE_RX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: Any, path: str) -> dict[str, Any]:
    """A partial ISO date: ``{'date', 'date_precision', 'year', 'month'}`` (all None for no date)."""
    if value in (None, ""):
        return {"date": None, "date_precision": None, "year": None, "month": None}
    m = DATE_RX.match(str(value).strip())
    if not m:
        raise RecordError(path, f"{path}: not a date YYYY, YYYY-MM or YYYY-MM-DD (got {value!r})")
    y, mo, d = m.groups()
    if mo and not 1 <= int(mo) <= 12 or d and not 1 <= int(d) <= 31:
        raise RecordError(path, f"{path}: month or day out of range (got {value!r})")
    precision = "day" if d else "month" if mo else "year"
    return {"date": m.group(0), "date_precision": precision, "year": int(y), "month": int(mo) if mo else None}


@dataclass
class Context:
    """What a mapper needs to know beyond the record: where it came from and how to resolve names."""

    file_source: str
    keep_private_names: bool = False
    resolver: CompanyResolver = field(default_factory=CompanyResolver)
    agencies: AgencyResolver = field(default_factory=AgencyResolver)
    record_ref: str = ""
    file_name: str = ""
    # Per-input state a mapper may build once (e.g. the SII transfer groups, the gazetteer).
    shared: dict[str, Any] = field(default_factory=dict)

    def provenance(self, urls: list[str] | None = None) -> dict[str, Any]:
        ref = f"{self.file_source}:{self.record_ref}"
        return {"source_record": ref, "source_records": [ref], "source_urls": list(urls or []) or None}

    def resolve_company(self, name: str, hq: str | set[str] | None = None,
                        website: str | None = None) -> tuple[str, str]:
        """(id, canonical name) of a company named ``name`` or known under it as an alias; merges are logged.
        ``hq`` and ``website``: what the naming record says of the firm (a loose match must agree)."""
        cid, canonical, rule = self.resolver.resolve(name, hq, website)
        if rule is None and canonical != name:
            rule = "same name"  # equal once case, accents, punctuation and legal forms are ignored
        if rule:
            self.resolver.note(name, cid, canonical, rule, f"{self.file_name}:{self.record_ref}")
        return cid, canonical


def country(rg: RecordGraph, ctx: Context, value: Any, path: str) -> str:
    try:
        iso2 = resolve_country(value)
    except UnknownCountry as e:
        raise RecordError(path, f"{path}: {e}") from None
    rg.node("Country", {"iso2": iso2, "name": country_name(iso2), "region": region_of(iso2)}, path)
    sourced(rg, ctx, "Country", iso2)
    return iso2


def agency(rg: RecordGraph, ctx: Context, name: str, state: str | None, kind: str, path: str) -> str:
    """Add a state body (or another organisation) of ``state``; its name is resolved within the state."""
    oid, canonical = ctx.agencies.resolve(name, state) if kind == "state_agency" else (
        ids.organization_id(name, state), name)
    return rg.node("Organization", {"id": oid, "name": canonical, "kind": kind, "country": state}, path)


def sourced(rg: RecordGraph, ctx: Context, label: str, key: str, urls: list[str] | None = None) -> None:
    """Link a node to the file it came from and to the web pages its record cites."""
    props = {"record": ctx.record_ref, "records": [ctx.record_ref], **ctx.provenance()}
    rg.rel("SOURCED_FROM", label, key, "Source", ctx.file_source, props)
    for url in urls or []:
        rg.rel("SOURCED_FROM", label, key, "Source", ids.web_source_id(url), props)


def web_sources(rg: RecordGraph, sources: list[dict[str, Any]] | None, path: str = "sources") -> list[str]:
    """Add Source nodes for cited pages; return their URLs."""
    urls = []
    for i, s in enumerate(sources or []):
        if not isinstance(s, dict) or not s.get("url"):
            raise RecordError(f"{path}[{i}].url", f"{path}[{i}]: a source needs a url")
        rg.node("Source", {"id": ids.web_source_id(s["url"]), "kind": "web", "url": s["url"].strip(),
                           "title": s.get("title"), "publisher": s.get("publisher"),
                           "date": s.get("date")}, f"{path}[{i}]")
        urls.append(s["url"].strip())
    return urls


TRUE_WORDS = frozenset({"true", "yes", "y", "1"})


def is_public(public_figure: Any) -> bool:
    """Only an explicit yes makes a person public; anything else (missing, "no", a typo) keeps them private."""
    return public_figure is True or (isinstance(public_figure, str) and public_figure.strip().lower() in TRUE_WORDS)


def person(rg: RecordGraph, ctx: Context, name: str, role: Any, public_figure: Any, path: str) -> str:
    if not name or not str(name).strip():
        raise RecordError(f"{path}.name", f"{path}.name: a person needs a name")
    public = is_public(public_figure)
    if public or ctx.keep_private_names:
        pid, shown = ids.person_id(name), name
    else:
        pid, shown = ids.private_person_id(name), ids.pseudonym(name)
    return rg.node("Person", {"id": pid, "name": shown, "role": role, "public_figure": public,
                              "pseudonymised": not (public or ctx.keep_private_names)}, path)


def company(rg: RecordGraph, ctx: Context, props: dict[str, Any], path: str,
            hq_context: str | set[str] | None = None) -> str:
    """Add a company; a name known as another company's alias lands on that company. ``hq_context``: the
    HQ the naming record gives (else ``props['hq_country']``), checked by loose matches."""
    cid, canonical = ctx.resolve_company(props["name"], hq_context or props.get("hq_country"), props.get("website"))
    if canonical != props["name"]:
        # Known under another name: keep the canonical name and headquarters, record this name as an alias
        # and as a merged name (the merge log says which rule merged it).
        props = {**props, "name": canonical, "hq_country": None,
                 "aliases": sorted({*(props.get("aliases") or []), props["name"]}),
                 "merged_names": [props["name"]]}
    return rg.node("Company", {**props, "id": cid}, path)
