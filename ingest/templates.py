"""The spreadsheet bundle template, generated from the schema: one CSV per sheet and one .xlsx."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.schema import load_schema
from ingest.bundle import LIST_SEPARATOR, REL_SHEET, template_rows


def _notes() -> list[list[str]]:
    schema = load_schema()
    rows = [["sheet", "column", "type", "required", "allowed values / notes"]]
    for label, node in schema.nodes.items():
        for p in node.props.values():
            note = ", ".join(p.enum) if p.enum else (p.description or "")
            if p.type == "STRING[]":
                note = f"list, separated by '{LIST_SEPARATOR}'. {note}".strip()
            key = ""
            if p.name == node.key:
                derived = label not in ("Incident", "Country", "Tactic")
                key = " (key; derived from the content when empty)" if derived else " (key)"
            rows.append([label, p.name, p.type, "yes" if p.required else "", note + key])
        rows.append([label, "source_urls", "STRING[]", "", "web pages supporting this row"])
    rows.append([REL_SHEET, "type", "STRING", "yes", ", ".join(schema.rels)])
    rows.append([REL_SHEET, "from_label / to_label", "STRING", "yes", "node labels allowed by the type (docs/schema.md)"])
    rows.append([REL_SHEET, "from_id / to_id", "STRING", "yes", "keys of existing nodes (countries by code or name)"])
    return rows


def write_templates(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    heads = template_rows()
    for sheet, columns in heads.items():
        path = out / f"{sheet}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(columns)
        written.append(path)
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in heads.items():
        wb.create_sheet(sheet).append(columns)
    notes = wb.create_sheet("notes")
    for row in _notes():
        notes.append(row)
    path = out / "tnr-bundle-template.xlsx"
    wb.save(path)
    written.append(path)
    return written
