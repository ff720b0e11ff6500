"""No non-public person's name anywhere (issue 8, findings 1, 2 and 5), and the migration of old pseudonyms.

The fixture (tests/fixtures/privacy, README there) is built to break the promise: six private persons named
with accents, in other cases, by surname or given name alone in other records, inside an accountability
outcome, a source title, a company name, a bundle row with a given id, rejected records and a broken line.
After an ingest through the real CLI, every place the data can reach is scanned for every private name and
each of its words of three letters or more, case- and accent-folded: the database (raw bytes of the Ladybug
files; every property read back on Neo4j), every named query and analysis with its default parameters (as
CSV and JSON), the CLI's outputs, the rejects and merge-log files, and every app page rendered by AppTest.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph import output
from graph.analysis import ANALYSES, run_analysis
from graph.queries import load_library, run_query
from graph.search import NameIndex, pick
from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash, node_rows, rel_rows, triples
from tests.helpers import FIXTURES, ROOT, neo4j_store, tnr

FIXTURE = FIXTURES / "privacy"
PRIVATE = ["Tomás Ibáñez Roura", "LEILA NOURZAD", "Mariam Qāsimova", "Sadiq Varhadi", "Hana Berisha", "Dren Krasniqi"]
PUBLIC = ["Jamal Khashoggi", "Loujain al-Hathloul"]
# Which analyses need a value without a default, and the fixture's value for it.
REQUIRED = {"ego_network": {"entity": "px-004"}, "paths": {"source": "px-004", "target": "px-003"}}


def fold(text: str) -> str:
    """Case, accents and punctuation away (written here, not imported: the scan must not share the code it tests)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


NEEDLES = sorted({fold(n) for n in PRIVATE} | {w for n in PRIVATE for w in fold(n).split() if len(w) >= 3})
_NEEDLE_RX = {n: re.compile(rf"(?<!\S){re.escape(n)}(?!\S)") for n in NEEDLES}


def leaks(text: str | bytes) -> set[str]:
    """The private names and name parts that occur in ``text`` as whole words, folded."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "ignore")
    folded = fold(text)
    return {n for n, rx in _NEEDLE_RX.items() if rx.search(folded)}


def test_the_scan_finds_every_name_in_the_fixture_itself():
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted(FIXTURE.rglob("*.*")) if p.name != "README.md")
    assert leaks(raw) == set(NEEDLES)
    assert len(NEEDLES) == 6 + 13  # six full names, thirteen words (hana: four letters, still a name)
    assert leaks("a Tomás IBÁÑEZ-roura b") == {"tomas ibanez roura", "tomas", "ibanez", "roura"}
    assert leaks("Ibáñez") == {"ibanez"} and not leaks("Ghana, children, Tomasz")


# --- what to scan ------------------------------------------------------------------------------------------


def _store_texts(store) -> dict[str, str]:
    """Every property of every node and relationship, every query and every analysis with default parameters."""
    out = {}
    for label in store.schema.nodes:
        out[f"nodes {label}"] = json.dumps(node_rows(store, label), ensure_ascii=False, default=str)
    for t, a, b in triples(store):
        out[f"rels {t} {a}->{b}"] = json.dumps(rel_rows(store, t, a, b), ensure_ascii=False, default=str)
    for name in load_library():
        df = run_query(store, name, {})
        out[f"query {name}"] = output.to_csv(df) + output.to_json(df)
    for name in ANALYSES:
        df = run_analysis(store, name, REQUIRED.get(name, {}))
        out[f"analysis {name}"] = output.to_csv(df) + output.to_json(df)
    return out


def _page_text(at: AppTest) -> str:
    """Every element of a rendered page, as the bytes Streamlit would send to the browser."""
    assert not at.exception, at.exception

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield proto.SerializeToString().decode("utf-8", "ignore")
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(walk(at._tree))


def _app_texts(monkeypatch, args: list[str], env: dict) -> dict[str, str]:
    from tests.app_helpers import _point_app_at

    _point_app_at(monkeypatch, (args, env))
    out = {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    out["page overview"] = _page_text(at)
    at.switch_page("app_pages/questions.py").run()
    for name in load_library():
        at.selectbox(key="question").set_value(name).run()
        out[f"page questions {name}"] = _page_text(at)
    at.switch_page("app_pages/analyses.py").run()
    for name in ANALYSES:
        at.selectbox(key="analysis").set_value(name).run()
        for param, value in REQUIRED.get(name, {}).items():
            at.text_input(key=f"analysis-{name}:{param}").set_value(value)
        at.button[0].click().run()
        assert not at.error, (name, at.error[0].value)
        out[f"page analyses {name}"] = _page_text(at)
    for page in ("companies", "host_states", "reach"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception and not at.error, page
        out[f"page {page}"] = _page_text(at)
    # the console asked for every person with the incidents and all else around them, nodes drawn as a graph
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/console.py").run()
    at.text_area(key="console-q").set_value("MATCH (p:Person) OPTIONAL MATCH (p)-[r]-(x) RETURN p.name AS name, "
                                           "p, r, x, x.summary AS summary, x.name AS other ORDER BY name")
    at.button[0].click().run()
    assert not at.exception and not at.error, at.error and at.error[0].value
    assert at.dataframe and len(at.dataframe[0].value), "the console found no person"
    out["page console"] = _page_text(at)
    # every incident, the private persons (found by pseudonym) and the company named after one, at depth 2
    for q in ("px-001", "px-002", "px-003", "px-004", "px-005", "bx-001", "private person", "trading"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.switch_page("app_pages/explore.py").run()
        at.text_input(key="explore-q").set_value(q).run()
        at.slider(key="explore-depth").set_value(2).run()
        assert not at.warning, (q, at.warning[0].value)
        out[f"page explore {q}"] = _page_text(at)
        # the entity page of every match of the same search (properties, sources, relationships, graph)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.switch_page("app_pages/entity.py").run()
        at.text_input(key="entity-q").set_value(q).run()
        with _open(args, env) as s:
            found = pick(NameIndex.from_store(s), q)
        for m in (found.chosen, *found.others):
            at.selectbox(key="entity-pick").set_value(f"{m.label}:{m.key}").run()
            assert not at.error, (q, m, at.error[0].value)
            out[f"page entity {q} {m.label}:{m.key}"] = _page_text(at)
    return out


def _cli_texts(args: list[str], env: dict) -> dict[str, str]:
    out = {}
    for cmd in (["query", "search_entities", "-p", "q=a"], ["query", "search_entities", "-p", "q=private"],
                ["query", "incidents_without_accountability"], ["query", "host_exposure"],
                ["analyze", "ego_network", "-p", "entity=px-004"]):
        for fmt in ("csv", "json", "table"):
            res = tnr(*cmd, *args, "-f", fmt, env=env)
            assert res.returncode == 0, res.stderr
            out[f"cli {' '.join(cmd)} -f {fmt}"] = res.stdout + res.stderr
    return out


def _open(args: list[str], env: dict):
    if args[0] == "--db":
        return EmbeddedStore(Path(args[1]))
    return neo4j_store({k: v for k, v in env.items()})


def test_no_private_name_reaches_disk_output_or_screen(cli_store, tmp_path, monkeypatch):
    args, env = cli_store
    rejects = tmp_path / "out" / "rejects.jsonl"
    res = tnr("ingest", str(FIXTURE), *args, "--rejects", str(rejects), env=env)
    assert res.returncode == 1, res.stderr  # four records rejected, the rest loaded
    assert "4 record(s) rejected" in res.stderr
    texts = {"cli ingest": res.stdout + res.stderr,
             "rejects.jsonl": rejects.read_text(encoding="utf-8"),
             "merges.jsonl": (rejects.parent / "merges.jsonl").read_text(encoding="utf-8")}
    if args[0] == "--db":
        db = Path(args[1])
        for f in sorted(db.parent.iterdir()):
            if f.name.startswith(db.name):
                texts[f"file {f.name}"] = f.read_bytes()
        assert f"file {db.name}" in texts and len(texts[f"file {db.name}"]) > 100_000
    with _open(args, env) as store:
        texts.update(_store_texts(store))
        incidents = {r["id"]: r for r in node_rows(store, "Incident")}
        persons = node_rows(store, "Person")
    texts.update(_cli_texts(args, env))
    texts.update(_app_texts(monkeypatch, args, env))

    found = {where: sorted(leaks(text)) for where, text in texts.items() if leaks(text)}
    assert not found, found
    # What was scanned (the figures in docs/safety.md): the places and their size
    print(f"scanned {len(texts)} outputs, {sum(len(t) for t in texts.values()):,} characters, for {len(NEEDLES)} names")

    # ... and the scan looked at real content: the records loaded, public names stayed, pseudonyms replaced names.
    assert set(incidents) == {"px-001", "px-002", "px-003", "px-004", "px-005", "bx-001"}
    assert "Jamal Khashoggi" in incidents["px-001"]["summary"]
    assert incidents["px-003"]["summary"].startswith("Private person ")
    assert "who campaigns for Loujain al-Hathloul" in incidents["px-003"]["summary"]
    shown = sorted(p["name"] for p in persons)
    assert shown[:2] == ["Jamal Khashoggi", "Loujain al-Hathloul"]
    assert len(shown) == 6 and all(re.fullmatch(r"Private person [0-9a-f]{16}", n) for n in shown[2:])
    search = texts["cli query search_entities -p q=a -f json"]
    assert all(name in search for name in PUBLIC)
    merged = [json.loads(line) for line in texts["merges.jsonl"].splitlines()]
    assert [m["rule"] for m in merged] == ["alias in companies.jsonl"]


# --- keyed pseudonyms (finding 2) -----------------------------------------------------------------------------


def _xlsx_bundle(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in (("Incident", [["id", "summary"], ["bx-009", "Hana Berisha was watched"]]),
                       ("Person", [["id", "name", "public_figure"], ["p7", "HANA BERISHA", "no"]]),
                       ("relationships", [["type", "from_label", "from_id", "to_label", "to_id"],
                                          ["TARGETED", "Incident", "bx-009", "Person", "p7"]])):
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_a_private_person_has_one_keyed_id_in_every_format(empty_store, tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "px-100", "host_state": "SE", "tactics": ["threats"],
                                 "targets": [{"name": "Hana Beríshá", "public_figure": False}]}) + "\n")
    from ingest.pipeline import ingest

    report = ingest(empty_store, [cases, FIXTURE / "bundle", _xlsx_bundle(tmp_path / "b.xlsx")])
    assert [r.field for r in report.rejects] == ["public_figure", "to_id"]  # the fixture bundle's two bad rows
    _, rows = empty_store.rows("MATCH (i:Incident)-[:TARGETED]->(p:Person) RETURN i.id, p.id, p.name ORDER BY i.id")
    # one person, reached from the case file, the CSV bundle (given id person-hana-berisha) and the xlsx (given p7)
    assert [r[0] for r in rows] == ["bx-001", "bx-009", "px-100"]
    assert len({(r[1], r[2]) for r in rows}) == 1
    pid, name = rows[0][1], rows[0][2]
    assert re.fullmatch(r"person-[0-9a-f]{16}", pid) and name == f"Private person {pid[7:]}"
    assert empty_store.rows("MATCH (p:Person) RETURN count(p)")[1] == [[1]]


def test_pseudonyms_need_the_secret(tmp_path, monkeypatch):
    import hashlib

    from graph import ids as pseudonyms  # what the ingest calls

    monkeypatch.setenv("TNR_SECRET_FILE", str(tmp_path / "a" / "key"))
    a = pseudonyms.pseudonym("Jane Doe")
    assert pseudonyms.pseudonym("JANE  doe") == a and re.fullmatch(r"Private person [0-9a-f]{16}", a)
    assert pseudonyms.private_person_id("Jane Doe") == f"person-{a[15:]}"
    # the unkeyed scheme's values (sha256 of a prefix and the folded name) are not what is stored
    unkeyed = {hashlib.sha256("\x1f".join(parts).encode()).hexdigest() for parts in
               (("pseudonym", "jane doe"), ("person", "jane doe"))}
    assert not any(h.startswith(a[15:]) or a[15:23] in h for h in unkeyed)
    monkeypatch.setenv("TNR_SECRET_FILE", str(tmp_path / "b" / "key"))
    assert pseudonyms.pseudonym("Jane Doe") != a  # another secret, other pseudonyms; the team shares one file
    monkeypatch.setenv("TNR_SECRET_FILE", str(tmp_path / "a" / "key"))
    assert pseudonyms.pseudonym("Jane Doe") == a
    # by default the secret lives in the user's config folder, created 0600 in a 0700 folder
    monkeypatch.delenv("TNR_SECRET_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    from graph.pseudonyms import secret_file

    assert secret_file() == tmp_path / "config" / "tnr-graph" / "pseudonym.key"
    pseudonyms.pseudonym("Jane Doe")
    key = tmp_path / "config" / "tnr-graph" / "pseudonym.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600" and oct(key.parent.stat().st_mode & 0o777) == "0o700"
    assert len(key.read_text().strip()) == 64


# --- the rejects (finding 5) --------------------------------------------------------------------------------


def test_rejects_are_redacted_and_private(tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    res = tnr("ingest", str(FIXTURE), "--db", str(tmp_path / "r.lbug"), "--rejects", str(rejects))
    assert res.returncode == 1
    got = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [(Path(r["file"]).name, r["line"], r["field"]) for r in got] == [
        ("cases.jsonl", 6, "date"), ("cases.jsonl", 7, None), ("Person.csv", 3, "public_figure"),
        ("relationships.csv", 4, "to_id")]
    assert oct(rejects.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "merges.jsonl").stat().st_mode & 0o777) == "0o600"
    # the rejected case is kept whole but for the name, which is its pseudonym everywhere in it
    case = got[0]["record"]
    alias = case["targets"][0]["name"]
    assert re.fullmatch(r"Private person [0-9a-f]{16}", alias)
    assert case["summary"] == f"{alias} was abducted in Erbil." and case["date"] == "sometime in 2019"
    assert got[1]["record"] is None  # a broken line: who it names cannot be told, so it is not copied
    assert got[3]["record"]["to_id"].startswith("person-Private person ")  # the given id held the name
    assert not leaks(rejects.read_bytes()) and not leaks(res.stderr)


# --- migration --------------------------------------------------------------------------------------------


def _old_graph(store) -> None:
    """A graph as the unkeyed pseudonyms left it: the person pseudonymised, the name in a summary."""
    store.ensure_schema()
    store.upsert_nodes("Person", [{"id": "person-3b1f0c2a9d4e", "name": "Private person 5e2d7a10",
                                   "pseudonymised": True, "public_figure": False}])
    store.upsert_nodes("Incident", [{"id": "px-004", "summary": "Tomás Ibáñez Roura found spyware"}])
    store.upsert_nodes("Source", [{"id": "file-0123456789abcdef", "kind": "file", "path": "cases.jsonl"}])
    store.upsert_rels("TARGETED", "Incident", "Person", [{"_from": "px-004", "_to": "person-3b1f0c2a9d4e"}])


def test_rebuild_replaces_old_pseudonyms(cli_store, tmp_path):
    from graph.pseudonyms import is_old_pseudonym

    args, env = cli_store
    fresh_db = tmp_path / "fresh.lbug"
    assert tnr("ingest", str(FIXTURE), "--db", str(fresh_db), "--rejects", str(tmp_path / "f.jsonl")).returncode == 1
    with EmbeddedStore(fresh_db) as s:
        want = graph_hash(s)
    with (EmbeddedStore(Path(args[1]), write=True) if args[0] == "--db" else neo4j_store(env, write=True)) as w:
        _old_graph(w)
    res = tnr("ingest", str(FIXTURE), *args, "--rejects", str(tmp_path / "r.jsonl"), env=env)
    assert res.returncode == 2
    assert "old, unkeyed pseudonyms" in res.stderr and "tnr ingest --rebuild" in res.stderr and "cases.jsonl" in res.stderr
    res = tnr("ingest", "--rebuild", str(FIXTURE), *args, "--rejects", str(tmp_path / "r.jsonl"), env=env)
    assert res.returncode == 1, res.stderr  # the fixture's four rejects
    with _open(args, env) as s:
        assert graph_hash(s) == want  # exactly what a fresh database gets
        persons = node_rows(s, "Person")
    assert not any(is_old_pseudonym(p["id"], p["name"]) for p in persons) and len(persons) == 6
    if args[0] == "--db":  # the old file is gone, not emptied: its free pages held the name
        db = Path(args[1])
        assert sorted(f.name for f in db.parent.iterdir() if f.name.startswith(db.name)) == [db.name, f"{db.name}.lock"]
        assert not leaks(db.read_bytes())


@pytest.mark.parametrize("fail", [False, True])
def test_a_failed_embedded_rebuild_keeps_the_old_graph(tmp_path, monkeypatch, fail):
    from ingest import pipeline

    db = tmp_path / "g.lbug"
    with EmbeddedStore(db, write=True) as w:
        _old_graph(w)
    if fail:
        from ingest.writer import GraphWriter

        def broken(writer):
            writer.store.upsert_nodes("Incident", [{"id": "half-written"}])
            raise OSError("disk full")

        monkeypatch.setattr(GraphWriter, "flush", broken)
    with EmbeddedStore(db, write=True) as w:
        if fail:
            with pytest.raises(OSError):
                pipeline.ingest(w, [FIXTURE / "cases.jsonl"], rebuild=True)
        else:
            pipeline.ingest(w, [FIXTURE / "cases.jsonl"], rebuild=True)
    with EmbeddedStore(db) as s:
        ids = sorted(r["id"] for r in node_rows(s, "Incident"))
    assert ids == (["px-004"] if fail else ["px-001", "px-002", "px-003", "px-004", "px-005"])
    assert sorted(f.name for f in tmp_path.iterdir()) == ["g.lbug", "g.lbug.lock"]
