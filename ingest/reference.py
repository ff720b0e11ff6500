"""The case format of the reference set: cases, companies and UN reprisals reports (JSON Lines).

Field meanings are in ``docs/formats.md`` and the reference set's own README.
"""

from __future__ import annotations

import re
from typing import Any

from graph import ids
from graph.countries import UnknownCountry, is_country_code, resolve_country
from graph.schema import load_schema
from ingest.batch import RecordError, RecordGraph
from ingest.common import Context, agency, company, country, parse_date, person, sourced, web_sources

HOST_RESPONSES_NOT_RECORDED = {"unknown", None}
# "Name (per the Antwerp court)" -> name "Name", basis "per the Antwerp court"
_BASIS_RX = re.compile(r"^(?P<name>.+?)\s*\((?P<basis>(?:per|alleged|according|joint)\b[^()]*)\)\s*$", re.I)


def _require(rec: dict[str, Any], key: str, kind: type | tuple[type, ...] = str) -> Any:
    if key not in rec or rec[key] is None:
        raise RecordError(key, f"{key}: required")
    if not isinstance(rec[key], kind):
        raise RecordError(key, f"{key}: expected {getattr(kind, '__name__', kind)}, got {type(rec[key]).__name__}")
    return rec[key]


def _list(rec: dict[str, Any], key: str) -> list:
    value = rec.get(key) or []
    if not isinstance(value, list):
        raise RecordError(key, f"{key}: expected a list, got {type(value).__name__}")
    return value


def split_agency(text: str) -> tuple[str, str | None]:
    """An agency string split into its name and the attribution basis in brackets, if any.

    >>> split_agency("Lishui Public Security Bureau")
    ('Lishui Public Security Bureau', None)
    >>> split_agency("Iranian intelligence services (per family)")
    ('Iranian intelligence services', 'per family')
    """
    m = _BASIS_RX.match(text.strip())
    return (m["name"], m["basis"]) if m else (text.strip(), None)


def accountability(rg: RecordGraph, ctx: Context, actions: list, target: tuple[str, str], urls: list[str],
                   path: str = "accountability") -> None:
    """AccountabilityAction nodes that CONCERN ``target`` and were TAKEN_BY a state or a body."""
    for i, a in enumerate(actions):
        p = f"{path}[{i}]"
        if not isinstance(a, dict):
            raise RecordError(p, f"{p}: expected an object")
        d = parse_date(a.get("date"), f"{p}.date")
        aid = ids.accountability_action_id(a.get("kind"), a.get("date"), a.get("body"), a.get("against"))
        rg.node("AccountabilityAction", {
            "id": aid, "kind": a.get("kind"), "date": d["date"], "year": d["year"], "body": a.get("body"),
            "jurisdiction": a.get("jurisdiction"), "against": a.get("against"), "outcome": a.get("outcome"),
        }, f"{p}.kind")
        sourced(rg, ctx, "AccountabilityAction", aid, urls)
        rg.rel("CONCERNS", "AccountabilityAction", aid, target[0], target[1], ctx.provenance(urls))
        jur = a.get("jurisdiction")
        if jur and len(jur) == 2 and is_country_code(jur.upper()):
            iso2 = country(rg, ctx, jur, f"{p}.jurisdiction")
            rg.rel("TAKEN_BY", "AccountabilityAction", aid, "Country", iso2, ctx.provenance(urls))
        elif jur:
            oid = rg.node("Organization", {"id": ids.organization_id(jur, None), "name": jur,
                                           "kind": "intergovernmental"}, f"{p}.jurisdiction")
            sourced(rg, ctx, "Organization", oid)
            rg.rel("TAKEN_BY", "AccountabilityAction", aid, "Organization", oid, ctx.provenance(urls))


def map_case(rec: dict[str, Any], ctx: Context) -> RecordGraph:
    """One incident record of ``cases.jsonl``."""
    rg = RecordGraph()
    tactics = load_schema().tactics
    iid = _require(rec, "id")
    urls = web_sources(rg, _list(rec, "sources"))
    prov = ctx.provenance(urls)
    codes = _list(rec, "tactics")
    for i, code in enumerate(codes):
        if code not in tactics:
            raise RecordError(f"tactics[{i}]", f"tactics[{i}]: unknown tactic {code!r}")
    rg.node("Incident", {
        "id": iid, **parse_date(rec.get("date"), "date"), "summary": rec.get("summary"),
        "physical": any(tactics[c].physical for c in codes),
    }, "id")
    sourced(rg, ctx, "Incident", iid, urls)
    for code in codes:
        rg.rel("USED_TACTIC", "Incident", iid, "Tactic", code, prov)

    origin = rec.get("origin_state")
    if origin:
        origin = country(rg, ctx, origin, "origin_state")
        rg.rel("PERPETRATED_BY", "Incident", iid, "Country", origin,
               {**prov, "attribution": rec.get("attribution")}, "attribution")
    host = country(rg, ctx, _require(rec, "host_state"), "host_state")
    rg.rel("OCCURRED_IN", "Incident", iid, "Country", host, prov)
    response = rec.get("host_state_response")
    if response not in HOST_RESPONSES_NOT_RECORDED:
        rg.rel("RESPONDED_TO", "Country", host, "Incident", iid, {**prov, "response": response},
               "host_state_response")

    for i, t in enumerate(_list(rec, "targets")):
        p = f"targets[{i}]"
        if not isinstance(t, dict):
            raise RecordError(p, f"{p}: expected an object")
        pid = person(rg, ctx, t.get("name"), t.get("role"), t.get("public_figure"), p)
        sourced(rg, ctx, "Person", pid, urls)
        rg.rel("TARGETED", "Incident", iid, "Person", pid, prov)
        if t.get("nationality"):
            nat = country(rg, ctx, t["nationality"], f"{p}.nationality")
            rg.rel("NATIONAL_OF", "Person", pid, "Country", nat, prov)

    for i, text in enumerate(_list(rec, "agencies")):
        name, basis = split_agency(str(text))
        oid = agency(rg, ctx, name, origin, "state_agency", f"agencies[{i}]")
        sourced(rg, ctx, "Organization", oid, urls)
        rg.rel("ATTRIBUTED_TO", "Incident", iid, "Organization", oid, {**prov, "basis": basis})
        if origin:
            rg.rel("PART_OF", "Organization", oid, "Country", origin, prov)

    for i, c in enumerate(_list(rec, "companies")):
        p = f"companies[{i}]"
        if not isinstance(c, dict) or not c.get("name"):
            raise RecordError(f"{p}.name", f"{p}: a company needs a name")
        hq = country(rg, ctx, c["hq_country"], f"{p}.hq_country") if c.get("hq_country") else None
        cid = company(rg, ctx, {"name": c["name"], "hq_country": hq}, p)
        sourced(rg, ctx, "Company", cid, urls)
        rg.rel("FACILITATED", "Company", cid, "Incident", iid,
               {**prov, "role": c.get("role"), "product": c.get("product")})
        if hq:
            rg.rel("HEADQUARTERED_IN", "Company", cid, "Country", hq, prov)

    accountability(rg, ctx, _list(rec, "accountability"), ("Incident", iid), urls)
    return rg


def map_company(rec: dict[str, Any], ctx: Context) -> RecordGraph:
    """One company record of ``companies.jsonl``."""
    rg = RecordGraph()
    name = _require(rec, "name")
    urls = web_sources(rg, _list(rec, "sources"))
    prov = ctx.provenance(urls)
    hq = country(rg, ctx, rec["hq_country"], "hq_country") if rec.get("hq_country") else None
    cid = company(rg, ctx, {"name": name, "aliases": [str(a) for a in _list(rec, "aliases")] or None,
                            "sector": rec.get("sector"),
                            "products": [str(p) for p in _list(rec, "products")] or None,
                            "hq_country": hq}, "name")
    sourced(rg, ctx, "Company", cid, urls)
    if hq:
        rg.rel("HEADQUARTERED_IN", "Company", cid, "Country", hq, prov)
    products = _list(rec, "products")
    for i, client in enumerate(_list(rec, "clients")):
        p = f"clients[{i}]"
        if not isinstance(client, dict) or not client.get("state"):
            raise RecordError(f"{p}.state", f"{p}: a client needs a state")
        state = country(rg, ctx, client["state"], f"{p}.state")
        curls = [client["source"]] if client.get("source") else urls
        if client.get("source"):
            web_sources(rg, [{"url": client["source"]}], f"{p}.source")
        rg.rel("SUPPLIED", "Company", cid, "Country", state,
               {**ctx.provenance(curls), "basis": client.get("basis"),
                "product": "; ".join(map(str, products)) or None})
    accountability(rg, ctx, _list(rec, "accountability"), ("Company", cid), urls)
    return rg


UN_BODY = "UN Secretary-General (reprisals report)"


def map_un_report(rec: dict[str, Any], ctx: Context) -> RecordGraph:
    """One UN Secretary-General reprisals report: a ``un_naming`` action per state it names."""
    rg = RecordGraph()
    year = rec.get("report_year")  # null where the source does not show the year: named, year unknown
    if year is not None and (not isinstance(year, int) or not 1946 <= year <= 2100):
        raise RecordError("report_year", f"report_year: expected a year or null, got {year!r}")
    symbol = rec.get("symbol") or _require(rec, "id")
    urls = web_sources(rg, _list(rec, "sources"))
    prov = ctx.provenance(urls)
    un = rg.node("Organization", {"id": ids.organization_id("United Nations Secretary-General", None),
                                  "name": "United Nations Secretary-General", "kind": "intergovernmental"})
    sourced(rg, ctx, "Organization", un, urls)
    named = {}
    for key, section in (("states_named_in_sources", "new cases"), ("follow_up_states_in_sources", "follow-up")):
        for i, state in enumerate(_list(rec, key)):
            try:
                iso2 = resolve_country(state)
            except UnknownCountry as e:
                raise RecordError(f"{key}[{i}]", f"{key}[{i}]: {e}") from None
            named.setdefault(iso2, []).append(section)
    for iso2, sections in named.items():
        country(rg, ctx, iso2, "states_named_in_sources")
        aid = ids.un_naming_action_id(symbol, iso2)
        rg.node("AccountabilityAction", {
            "id": aid, "kind": "un_naming", "date": str(year) if year else None, "year": year, "body": f"{UN_BODY} {symbol}",
            "jurisdiction": "UN", "against": iso2,
            "outcome": f"Named in {symbol} ({' and '.join(sections)})",
        })
        sourced(rg, ctx, "AccountabilityAction", aid, urls)
        rg.rel("CONCERNS", "AccountabilityAction", aid, "Country", iso2, prov)
        rg.rel("TAKEN_BY", "AccountabilityAction", aid, "Organization", un, prov)
    return rg


def company_aliases(rec: dict[str, Any]) -> list[str]:
    """Every name a companies.jsonl record is known by (aliases with bracketed notes removed)."""
    names = [rec.get("name") or ""]
    aliases = rec.get("aliases")
    for alias in aliases if isinstance(aliases, list) else []:
        alias = str(alias)
        if "not confirmed" in alias or alias.lower().startswith("successor to"):
            continue  # a doubted alias or a predecessor is not the same entity
        names.append(re.sub(r"\s*\([^)]*\)\s*$", "", alias))
    return [n for n in names if n.strip()]
