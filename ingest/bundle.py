"""The spreadsheet bundle: one CSV per node label plus ``relationships.csv``, or the same as sheets of
one .xlsx workbook. Columns are the schema's property names; see ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph import ids
from graph.countries import UnknownCountry, country_name, region_of, resolve_country
from graph.schema import Prop, Schema, load_schema
from ingest.batch import RecordError, RecordGraph
from ingest.common import TRUE_WORDS, Context, is_public, parse_date, sourced, web_sources
from ingest.readers import UnreadableFile, clip, read_text

LIST_SEPARATOR = ";"
REL_SHEET = "relationships"
REL_COLUMNS = ("type", "from_label", "from_id", "to_label", "to_id")
EXTRA_NODE_COLUMNS = ("source_urls",)
_TRUE, _FALSE = TRUE_WORDS, {"false", "no", "n", "0"}


def sheet_names(schema: Schema | None = None) -> list[str]:
    return [*(schema or load_schema()).nodes, REL_SHEET]


def convert(prop: Prop, raw: Any) -> Any:
    """A spreadsheet cell as the property's type; empty cells are None.

    >>> convert(Prop("aliases", "STRING[]"), "Gamma; FinFisher GmbH")
    ['Gamma', 'FinFisher GmbH']
    >>> convert(Prop("physical", "BOOL"), "Yes")
    True
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if text == "" or text.lower() == "nan":
        return None
    if prop.type == "STRING[]":
        return [x.strip() for x in text.split(LIST_SEPARATOR) if x.strip()] or None
    if prop.type == "BOOL":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise RecordError(prop.name, f"{prop.name}: expected yes/no or true/false, got {text!r}")
    if prop.type == "INT64":
        try:
            return int(float(text)) if float(text).is_integer() else int(text)
        except ValueError:
            raise RecordError(prop.name, f"{prop.name}: expected a whole number, got {text!r}") from None
    if prop.type == "DOUBLE":
        try:
            return float(text)
        except ValueError:
            raise RecordError(prop.name, f"{prop.name}: expected a number, got {text!r}") from None
    return text


def _derived_key(label: str, props: dict[str, Any], ctx: Context) -> str | None:
    name = props.get("name")
    if label == "Company" and name:
        return ctx.resolve_company(name)[0]
    if label == "Person" and name:
        return ids.person_id(name)  # public (or --keep-private-names); a private person's id is set in map_node_row
    if label == "Organization" and name:
        return ids.organization_id(name, props.get("country"))
    if label == "Source" and props.get("url"):
        return ids.web_source_id(props["url"])
    if label == "AccountabilityAction" and props.get("kind"):
        return ids.accountability_action_id(*(props.get(k) for k in ("kind", "date", "body", "against")))
    return None


def map_node_row(label: str, row: dict[str, Any], ctx: Context) -> RecordGraph:
    schema = load_schema()
    node = schema.node(label)
    rg = RecordGraph()
    unknown = set(row) - set(node.props) - set(EXTRA_NODE_COLUMNS)
    if unknown:
        col = sorted(unknown)[0]
        raise RecordError(col, f"{col}: not a property of {label} (allowed: {', '.join(node.props)})")
    props = {name: convert(p, row.get(name)) for name, p in node.props.items()}
    urls = [u.strip() for u in str(row.get("source_urls") or "").split(LIST_SEPARATOR) if u.strip()]
    if label == "Country":
        try:
            props["iso2"] = resolve_country(props["iso2"] or props["name"] or "")
        except UnknownCountry as e:
            raise RecordError("iso2", f"iso2: {e}") from None
        props["name"] = props["name"] or country_name(props["iso2"])
        props["region"] = props["region"] or region_of(props["iso2"])
    if label == "Incident" and props.get("date") and not props.get("year"):
        props.update({k: v for k, v in parse_date(props["date"], "date").items() if props.get(k) is None})
    if label == "Company" and props.get("hq_country"):
        try:
            props["hq_country"] = resolve_country(props["hq_country"])
        except UnknownCountry as e:
            raise RecordError("hq_country", f"hq_country: {e}") from None
    if label == "Person" and props.get("name") and not (is_public(props.get("public_figure")) or ctx.keep_private_names):
        # The keyed id, whatever id the row gives (a given id may hold the name); relationships.csv rows that use
        # the given id are translated (map_rel_row), so the person is one node in every input format.
        props["id"] = ids.private_person_id(props["name"])
        props["name"], props["pseudonymised"] = ids.pseudonym(props["name"]), True
    if not props.get(node.key):
        props[node.key] = _derived_key(label, props, ctx)
        if not props[node.key]:
            raise RecordError(node.key, f"{node.key}: required (and cannot be derived from this row)")
    key = rg.node(label, props)
    if label != "Source":
        web_sources(rg, [{"url": u} for u in urls], "source_urls")
        sourced(rg, ctx, label, key, urls)
    return rg


def _endpoint(label: str, value: Any, field: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise RecordError(field, f"{field}: required")
    if label == "Country":
        try:
            return resolve_country(text)
        except UnknownCountry as e:
            raise RecordError(field, f"{field}: {e}") from None
    return text


def map_rel_row(row: dict[str, Any], ctx: Context) -> RecordGraph:
    schema = load_schema()
    rg = RecordGraph()
    rtype = str(row.get("type") or "").strip()
    if rtype not in schema.rels:
        raise RecordError("type", f"type: unknown relationship type {rtype!r}")
    rel = schema.rels[rtype]
    fl, tl = str(row.get("from_label") or "").strip(), str(row.get("to_label") or "").strip()
    if fl not in rel.from_labels:
        raise RecordError("from_label", f"from_label: {rtype} starts at {'/'.join(rel.from_labels)}, not {fl!r}")
    if tl not in rel.to_labels:
        raise RecordError("to_label", f"to_label: {rtype} ends at {'/'.join(rel.to_labels)}, not {tl!r}")
    props = {}
    for name, value in row.items():
        if name in REL_COLUMNS:
            continue
        if name in rel.props:
            props[name] = convert(rel.props[name], value)
        elif convert(Prop(name, "STRING"), value) is not None:
            raise RecordError(name, f"{name}: not a property of {rtype}")
    props["source_record"] = props.get("source_record") or f"{ctx.file_source}:{ctx.record_ref}"
    props["source_records"] = sorted({*(props.get("source_records") or []), props["source_record"]})
    given = ctx.shared.get("person_ids", {})  # a private person's id as the bundle gives it -> the keyed id
    ends = [_endpoint(fl, row.get("from_id"), "from_id"), _endpoint(tl, row.get("to_id"), "to_id")]
    ends = [given.get(key, key) if label == "Person" else key for label, key in zip((fl, tl), ends)]
    rg.rel(rtype, fl, ends[0], tl, ends[1], props)
    return rg


def read_csv_dir(path: Path) -> Iterator[tuple[str, Path, int, dict[str, Any]]]:
    """(sheet, file, line, row) for every data row of the bundle's CSV files, nodes before relationships."""
    for sheet in sheet_names():
        f = path / f"{sheet}.csv"
        if not f.exists():
            continue
        limit = load_schema().limits.jsonl_max_line_bytes
        csv.field_size_limit(limit)  # a longer cell is refused, never read whole (the stdlib's default is 128 KiB)
        text, err = read_text(f)  # all of a file or none of it: decoded whole before a row is read
        if err:
            raise UnreadableFile(f"{f}: {err}")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            for i, row in enumerate(reader, start=2):
                yield sheet, f, i, {k.strip(): v for k, v in row.items() if k is not None}
        except csv.Error as e:
            if "field larger" not in str(e):
                raise UnreadableFile(f"{f}: row {reader.line_num}: not CSV: {e}") from None
            raise InputTooLarge(f"{f}: row {reader.line_num + 1}: {e} (a cell may hold at most {limit:,} "
                                "characters: limits.jsonl_max_line_bytes in docs/schema.md)") from None


class InputTooLarge(UnreadableFile):
    """A bundle file beyond the input limits (schema.yaml ``limits``): the whole file is refused."""


def check_xlsx_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack beyond ``limits.xlsx_max_uncompressed_bytes``, from the zip's central
    directory alone (nothing is decompressed): a 700 KB file of shared strings can inflate to hundreds of MB.
    Python's zipfile never inflates a member beyond the size the directory declares (it fails the CRC instead)."""
    limit = load_schema().limits.xlsx_max_uncompressed_bytes
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise InputTooLarge(f"{path}: not a readable .xlsx workbook ({e})") from None
    if total > limit:
        raise InputTooLarge(f"{path}: the workbook unpacks to {total:,} bytes, over the limit of {limit:,} "
                               "(limits.xlsx_max_uncompressed_bytes in docs/schema.md); split it or use CSV files")


def read_xlsx(path: Path) -> Iterator[tuple[str, Path, int, dict[str, Any]]]:
    from openpyxl import load_workbook

    check_xlsx_size(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises KeyError, InvalidFileException, ... for a non-workbook
        raise UnreadableFile(f"{path}: not a readable .xlsx workbook ({type(e).__name__}: {clip(str(e))})") from None
    for sheet in sheet_names():
        if sheet not in wb.sheetnames:
            continue
        i = 1
        try:  # a sheet is parsed as it is read: a part cut short or damaged fails after its first rows
            rows = wb[sheet].iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
            for i, values in enumerate(rows, start=2):
                if values is None or all(v is None for v in values):
                    continue
                yield sheet, path, i, {h: v for h, v in zip(header, values) if h}
        except Exception as e:  # noqa: BLE001 - XML, zlib and zip errors alike: the workbook cannot be read whole
            raise UnreadableFile(f"{path}: sheet {sheet} cannot be read after row {i} ({type(e).__name__}: "
                                 f"{clip(str(e))}); the workbook is damaged or cut short") from None


def is_bundle_dir(path: Path) -> bool:
    return path.is_dir() and any((path / f"{s}.csv").exists() for s in sheet_names())


def template_rows() -> dict[str, list[str]]:
    """Column headers for each sheet of the bundle template."""
    schema = load_schema()
    heads = {label: [*n.props, *EXTRA_NODE_COLUMNS] for label, n in schema.nodes.items()}
    rel_props = sorted({p for r in schema.rels.values() for p in r.props})
    heads[REL_SHEET] = [*REL_COLUMNS, *rel_props]
    return heads
