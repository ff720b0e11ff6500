"""The Surveillance Industry Index (Privacy International / Transparency Toolkit, frozen April 2016):
``companies.json`` (526 vendors) and ``transfers.json`` (688 transfer records). Mapping in
docs/external-data.md.

Honesty rules: a transfer record is kept whole as a ``Transfer`` node; only records that name a supplier
become ``SUPPLIED`` edges (one per supplier and recipient, aggregating its records); export-licence
statistics with no supplier stay state-level records; Blue Coat's "sales" that rest on Citizen Lab's
in-country scans carry ``basis_kind: in_country_detection``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph import ids
from graph.countries import UnknownCountry, resolve_country
from ingest.batch import RecordError, RecordGraph
from ingest.common import Context, agency, company, country, sourced, web_sources
from ingest.readers import clip, read_json
from ingest.resolve import CompanyResolver

COMPANIES, TRANSFERS = "companies.json", "transfers.json"
# Place names the SII uses as countries (checked against hq_city: Deveryware is in Paris, KJTECH in Seoul).
SII_PLACES = {"dubai": "AE", "paris": "FR", "korea": "KR"}
# Not countries: regions in offices_in, kept verbatim in Company.offices.
REGIONS = {"europe", "middle east", "africa", "south america", "asia pacific"}
# other_known_trading_names values that are not trading names (a state or a client), not used as aliases.
NOT_TRADING_NAMES_RX = re.compile(r"military|^(russia|china)$", re.I)
VAGUE_ENDUSERS = {"unknown multiple entities", "unknown other entities", "non-state"}
OPERATOR_RX = re.compile(r"tele(com|kom|communications)|irancell|syriatel|mobinnet|megafon|beeline|nursat|astel|"
                         r"ufone|mobilink|telenor|warid|wateen|\bmtn\b|\bkddi\b|^kt$|reliance|sify|distributor|"
                         r"rep-tron|midworld|china mobile|^area$", re.I)
GOVERNMENT_RX = re.compile(r"^government of ", re.I)


def is_sii_dir(path: Path) -> bool:
    return path.is_dir() and (path / COMPANIES).is_file() and (path / TRANSFERS).is_file()


def json_kind(path: Path) -> str | None:
    """'sii' for an SII companies/transfers file, 'citizenlab' for the report corpus, else None."""
    data, err = read_json(path)
    if err:
        return None
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    if first.get("bibtex_type") in ("Company", "Sale"):
        return "sii"
    if "report_link" in first:
        return "citizenlab"
    return None


def read_array(path: Path) -> Iterator[tuple[str, Any, str | None]]:
    """(record ref, record, error) for every element of a JSON array file."""
    data, err = read_json(path)
    if err:
        yield "file", None, err
        return
    if not isinstance(data, list):
        yield "file", None, "expected a JSON array of records"
        return
    for i, rec in enumerate(data, start=1):
        key = rec.get("bibtex_key") or rec.get("unique_id") if isinstance(rec, dict) else None
        ref = f"#{i}" + (f" {clip(key)}" if isinstance(key, str) and key else "")
        yield ref, rec, None if isinstance(rec, dict) else "expected a JSON object"


def files(path: Path) -> list[Path]:
    if path.is_dir():
        return [path / COMPANIES, path / TRANSFERS]
    return [path]


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        return [str(value)]
    return [str(v) for v in value if v is not None and str(v).strip()]


def _name(text: str) -> str:
    return " ".join(str(text).split())


def trading_names(rec: dict[str, Any]) -> list[str]:
    return [n for n in _strings(rec.get("other_known_trading_names")) if not NOT_TRADING_NAMES_RX.search(n)]


def place(text: str) -> str | None:
    """ISO2 for an SII place (country, alias or one of SII_PLACES); None for a region name."""
    t = _name(re.sub(r"^and\s+", "", text.strip(), flags=re.I))
    if t.lower() in REGIONS:
        return None
    if t.lower() in SII_PLACES:
        return SII_PLACES[t.lower()]
    return resolve_country(t)


def register(resolver: CompanyResolver, path: Path) -> None:
    """Make the SII's company names and trading names known before any record is mapped."""
    f = path / COMPANIES if path.is_dir() else path
    if f.name != COMPANIES and json_kind(f) != "sii":
        return
    for _, rec, err in read_array(f):
        if err or rec.get("bibtex_type") != "Company" or not isinstance(rec.get("company_name"), str):
            continue
        website = rec.get("website") if isinstance(rec.get("website"), str) else None
        try:
            resolver.register(_name(rec["company_name"]), trading_names(rec), rule="alias", hq=record_hq(rec),
                              website=website)
        except (TypeError, ValueError, AttributeError, KeyError):
            continue  # a record of an unexpected shape: rejected, with its reason, when it is mapped


def record_hq(rec: dict[str, Any]) -> str | None:
    """ISO2 of a company record's (first) HQ country, None when absent or not a country."""
    for h in _strings(rec.get("hq_country"))[:1]:
        try:
            return place(h)
        except UnknownCountry:
            return None
    return None


def register_agencies(agencies, path: Path) -> None:
    """Make the state agencies named as end users known before any record is mapped."""
    f = path / TRANSFERS if path.is_dir() else path
    if f.name != TRANSFERS and json_kind(f) != "sii":
        return
    for _, rec, err in read_array(f):
        if err or rec.get("bibtex_type") != "Sale" or not isinstance(rec.get("enduser") or "", str):
            continue
        try:
            iso2 = resolve_country(rec.get("recipient_country") or "")
        except (UnknownCountry, TypeError, AttributeError):
            continue
        for name, kind in _endusers(rec.get("enduser"), iso2):
            if kind == "state_agency":
                agencies.register(name, iso2)


def map_company(rec: dict[str, Any], ctx: Context) -> RecordGraph:
    rg = RecordGraph()
    name = rec.get("company_name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError("company_name", "company_name: required")
    name = _name(name)
    hq = None
    for i, h in enumerate(_strings(rec.get("hq_country"))[:1]):
        try:
            hq = place(h)
        except UnknownCountry as e:
            raise RecordError(f"hq_country[{i}]", f"hq_country[{i}]: {e}") from None
    offices = []
    for o in _strings(rec.get("offices_in")):
        try:
            code = place(o)
        except UnknownCountry:
            code = None
        offices.append(code or _name(re.sub(r"^and\s+", "", o)))  # a region or city stays as given
    tech = sorted({_name(re.sub(r"^and\s+", "", t)) for t in _strings(rec.get("technology_sold"))})
    props = {"name": name, "aliases": trading_names(rec) or None, "hq_country": hq,
             "technology": tech or None, "offices": offices or None,
             "trade_shows": sorted(set(_strings(rec.get("trade_show")))) or None,
             "website": rec.get("website") if isinstance(rec.get("website"), str) else None}
    cid = company(rg, ctx, props, "company_name")
    sourced(rg, ctx, "Company", cid)
    prov = ctx.provenance()
    if hq:
        country(rg, ctx, hq, "hq_country")
        rg.rel("HEADQUARTERED_IN", "Company", cid, "Country", hq, prov)
    for i, parent in enumerate(_strings(rec.get("parent_company"))):
        pname = _name(parent.replace("_", " "))
        pid = company(rg, ctx, {"name": pname}, f"parent_company[{i}]")
        sourced(rg, ctx, "Company", pid)
        if pid != cid:
            rg.rel("OWNED_BY", "Company", cid, "Company", pid, {**prov, "basis": "SII parent_company"})
    return rg


# --- transfers -------------------------------------------------------------------------------------


def _suppliers(text: str | None) -> list[tuple[str, str]]:
    """(name, role) for each firm in ``supplier_company`` ("Gamma International, FinFisher", "X (broker)")."""
    out = []
    for part in (text or "").split(","):
        part = _name(part)
        if not part:
            continue
        m = re.match(r"^(.*?)\s*\((broker|reseller)\)$", part, re.I)
        out.append((m[1], m[2].lower()) if m else (part, "vendor"))
    return out


def supplier_hqs(rec: dict[str, Any]) -> list[set[str]]:
    """The HQ countries ``supplier_company_hq`` gives each supplier of a transfer: one per supplier when the
    counts agree ("Hacking Team, NICE Systems" / "Italy, Israel"), all of them for a single supplier
    ("Tracespan" / "United States of America, Israel"), else none."""
    suppliers = _suppliers(rec.get("supplier_company"))
    hqs = []
    for part in str(rec.get("supplier_company_hq") or "").split(","):
        try:
            hqs.append(resolve_country(part.strip())) if part.strip() else None
        except UnknownCountry:
            hqs.append(None)
    if len(suppliers) == 1:
        return [{h for h in hqs if h}]
    if len(hqs) == len(suppliers):
        return [{h} if h else set() for h in hqs]
    return [set() for _ in suppliers]


def supplier_ids(rec: dict[str, Any], ctx: Context) -> list[tuple[str, str, str, set[str]]]:
    """(company id, name as given, role, HQs from the record) for each distinct supplier of a transfer: two
    names that resolve to one company ("Gamma International, FinFisher") are one supplier."""
    out, seen = [], set()
    for (name, role), hqs in zip(_suppliers(rec.get("supplier_company")), supplier_hqs(rec)):
        cid = ctx.resolver.resolve(name, hqs)[0]
        if cid not in seen:
            seen.add(cid)
            out.append((cid, name, role, hqs))
    return out


URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\]\)]+")


def citation_urls(rec: dict[str, Any]) -> list[str]:
    """Every URL a transfer cites: its ``source_links`` and the URLs written inside its ``sources`` text (in
    angle brackets or bare), trailing punctuation removed; an item of ``source_links`` that is a citation
    with a URL inside gives that URL."""
    texts = [*_strings(rec.get("source_links")), str(rec.get("sources") or "")]
    urls = [u.rstrip(".,;:>") for t in texts for u in URL_IN_TEXT.findall(t)]
    return list(dict.fromkeys(u for u in urls if len(u) > len("https://")))


def _endusers(text: str | None, iso2: str) -> list[tuple[str, str]]:
    """(name, kind) for the named end users; vague entries and 'Government of X' (the state) are left out."""
    out = []
    for part in (text or "").split("\n"):
        name = _name(part).strip(" ,")
        if not name or name.lower() in VAGUE_ENDUSERS or GOVERNMENT_RX.match(name):
            continue
        out.append((name, "other" if OPERATOR_RX.search(name) else "state_agency"))
    return out


def _basis_kind(rec: dict[str, Any]) -> str:
    if "planet blue coat" in str(rec.get("sources") or "").lower():
        return "in_country_detection"
    return "export_licence" if rec.get("export_data_or_open_source") == "Export data" else "open_source"


def _completed(rec: dict[str, Any]) -> str:
    return {"yes": "yes", "no": "no"}.get(str(rec.get("transfer_to_enduser_reported_as_complete")).lower(), "unknown")


def _targets(rec: dict[str, Any], ctx: Context) -> tuple[str, list[tuple[str, str, str]]]:
    """The recipient state and the (label, key, kind) of each recipient node of a transfer."""
    raw = rec.get("recipient_country")
    if not isinstance(raw, str) or not raw.strip():
        raise RecordError("recipient_country", "recipient_country: required (no recipient state given)")
    try:
        iso2 = resolve_country(raw)
    except UnknownCountry as e:
        raise RecordError("recipient_country", f"recipient_country: {e}") from None
    orgs = [("Organization", _enduser_id(ctx, n, k, iso2), k) for n, k in _endusers(rec.get("enduser"), iso2)]
    return iso2, orgs or [("Country", iso2, "state")]


def _enduser_id(ctx: Context, name: str, kind: str, iso2: str) -> str:
    return ctx.agencies.resolve(name, iso2)[0] if kind == "state_agency" else ids.organization_id(name, iso2)


def _groups(records: list[dict[str, Any]], ctx: Context) -> dict[tuple[str, str, str], dict[str, Any]]:
    """SUPPLIED properties per (supplier, recipient label, recipient key), over every valid record."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for rec in records:
        try:
            _, targets = _targets(rec, ctx)
        except RecordError:
            continue
        for cid, _name_given, _role, _hqs in supplier_ids(rec, ctx):
            for label, key, _ in targets:
                groups.setdefault((cid, label, key), []).append(rec)
    out = {}
    for k, recs in groups.items():
        years = [r["order_year"] for r in recs if isinstance(r.get("order_year"), int)]
        done = {_completed(r) for r in recs}
        goods = sorted({g for r in recs for g in _strings(r.get("goods"))})
        out[k] = {
            "goods": goods or None, "product": "; ".join(goods) or None,
            # The citations in the SII's words: the only source of the 43 records that cite a report by title.
            "basis": " | ".join(sorted({_name(r["sources"]) for r in recs if isinstance(r.get("sources"), str)
                                        and r["sources"].strip()})) or None,
            "year": min(years) if years else None,
            "completed": "yes" if "yes" in done else "no" if done == {"no"} else "unknown",
            "basis_kind": "+".join(sorted({_basis_kind(r) for r in recs})),
            "transfer_ids": sorted({ids.transfer_id(r["unique_id"]) for r in recs}),
        }
    return out


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_BARE_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/\S*)?$", re.I)


def split_links(links: list[str]) -> tuple[list[str], list[str]]:
    """The SII's ``source_links`` as (http(s) URLs, citations). A link without a scheme that is a domain and path
    (``www.wsj.com/articles/…``) gets ``http://``; a bibliographic citation is not a URL and joins the citation
    text; any other scheme (javascript:, data:, file:) is kept, so that the Source's URL check rejects the record.

    >>> split_links(["www.wsj.com/a", "https://x.org/b", "Bamford, “The Espionage Economy”, 2013"])
    (['http://www.wsj.com/a', 'https://x.org/b'], ['Bamford, “The Espionage Economy”, 2013'])
    """
    urls, citations = [], []
    for link in links:
        if _SCHEME.match(link):
            urls.append(link)
        elif _BARE_DOMAIN.match(link):
            urls.append(f"http://{link}")
        else:
            citations.append(link)
    return urls, citations


def map_transfer(rec: dict[str, Any], ctx: Context, all_records: list[dict[str, Any]]) -> RecordGraph:
    rg = RecordGraph()
    uid = rec.get("unique_id")
    if not isinstance(uid, str) or not uid.strip():
        raise RecordError("unique_id", "unique_id: required")
    iso2, targets = _targets(rec, ctx)
    links, citations = split_links(_strings(rec.get("source_links")))
    # Every URL the record cites: its links, and the http(s) URLs written inside its citation text.
    urls = web_sources(rg, [{"url": u} for u in dict.fromkeys([*links, *citation_urls(rec)])], "source_links")
    prov = ctx.provenance(urls)
    sources_text = "\n".join(x for x in [rec.get("sources"), *citations] if x) or None
    year = rec.get("order_year")
    exporter = None
    if _basis_kind(rec) == "export_licence" and rec.get("supplier_company_hq"):
        try:
            exporter = resolve_country(rec["supplier_company_hq"])
        except UnknownCountry:
            exporter = None  # several countries for a named supplier: kept in the supplier's own record
    tid = rg.node("Transfer", {
        "id": ids.transfer_id(uid), "title": rec.get("title"), "goods": _strings(rec.get("goods")) or None,
        "year": year if isinstance(year, int) else None,
        "year_text": str(year) if year is not None and not isinstance(year, int) else None,
        "completed": _completed(rec), "basis_kind": _basis_kind(rec),
        "supplier_as_given": rec.get("supplier_company"), "recipient_as_given": rec.get("recipient_country"),
        "enduser_as_given": rec.get("enduser"), "exporter_country": exporter,
        "sources_text": sources_text,
    }, "unique_id")
    sourced(rg, ctx, "Transfer", tid, urls)
    country(rg, ctx, iso2, "recipient_country")
    if exporter:
        country(rg, ctx, exporter, "supplier_company_hq")
        rg.rel("EXPORTED_FROM", "Transfer", tid, "Country", exporter, prov)
    names = dict(_endusers(rec.get("enduser"), iso2))
    for label, key, kind in targets:
        if label == "Organization":
            name = next(n for n, k in names.items() if _enduser_id(ctx, n, k, iso2) == key)
            agency(rg, ctx, name, iso2, kind, "enduser")
            sourced(rg, ctx, "Organization", key, urls)
            if kind == "state_agency":
                rg.rel("PART_OF", "Organization", key, "Country", iso2, prov)
        rg.rel("TRANSFER_TO", "Transfer", tid, label, key, prov)
    groups = ctx.shared.get("sii_groups")
    if groups is None:
        groups = ctx.shared["sii_groups"] = _groups(all_records, ctx)
    for i, (cid, name, role, hqs) in enumerate(supplier_ids(rec, ctx)):
        # A supplier with no HQ of its own record gets the HQ the transfer gives (supplier_company_hq).
        from_transfer = sorted(hqs) if not ctx.resolver.record_hqs(cid) else []
        cid = company(rg, ctx, {"name": name}, f"supplier_company[{i}]", hq_context=hqs)
        if len(from_transfer) == 1:
            canonical = ctx.resolver.resolve(name, hqs)[1]
            rg.node("Company", {"id": cid, "name": canonical, "hq_country": from_transfer[0]}, "supplier_company_hq")
        sourced(rg, ctx, "Company", cid, urls)
        for hq in from_transfer:
            country(rg, ctx, hq, "supplier_company_hq")
            rg.rel("HEADQUARTERED_IN", "Company", cid, "Country", hq, {**prov, "basis": "SII supplier_company_hq"})
        rg.rel("SUPPLIER_OF", "Company", cid, "Transfer", tid, {**prov, "role": role})
        for label, key, _ in targets:
            rg.rel("SUPPLIED", "Company", cid, label, key, {**prov, **groups[(cid, label, key)]})
    return rg


def records(path: Path) -> Iterator[tuple[Path, str, str, Any, str | None, Any]]:
    """(file, where, record ref, record, error, mapper) for an SII folder or one of its files."""
    for f in files(path):
        rows = list(read_array(f))
        transfers = [rec for _, rec, err in rows if not err and rec.get("bibtex_type") == "Sale"]
        for ref, rec, err in rows:
            if err:
                yield f, str(f), ref, rec, err, None
            elif rec.get("bibtex_type") == "Sale":
                yield f, str(f), ref, rec, None, (lambda r, ctx, _all=transfers: map_transfer(r, ctx, _all))
            else:
                yield f, str(f), ref, rec, None, map_company
