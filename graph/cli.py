"""The ``tnr`` command line: a thin layer over ``graph`` and ``ingest``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graph import output
from graph.console import DEFAULT_ROWS, DEFAULT_TIMEOUT
from graph.queries import QueryError, bind, get_query, load_library, parse_cli_params, run_query
from graph.safe_text import terminal
from graph.schema import ladybug_ddl, load_schema, neo4j_constraints, schema_markdown
from graph.store import BACKENDS, default_backend, default_db, open_store
from graph.store.base import StoreError

app = typer.Typer(help="tnr-graph: a knowledge graph of transnational repression.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
console = Console(stderr=True, soft_wrap=True)

DbOpt = typer.Option(None, "--db", help="Ladybug database path (embedded backend). Env: TNR_DB.", show_default=False)
BackendOpt = typer.Option(None, "--backend", help=f"{' or '.join(BACKENDS)}. Env: TNR_BACKEND (default embedded).")
FormatOpt = typer.Option("table", "--format", "-f", help="table, csv or json.")


def _fail(message: str, code: int = 2) -> None:
    console.print(terminal(("error:", "red"), " ", message))
    raise typer.Exit(code)


def _store(db: Path | None, backend: str | None, write: bool = False):
    try:
        return open_store(db or default_db(), write=write, backend=backend or default_backend())
    except StoreError as e:
        _fail(str(e))


def _emit(df, fmt: str, title: str | None = None) -> None:
    if fmt == "json":
        typer.echo(output.to_json(df))
    elif fmt == "csv":
        typer.echo(output.to_csv(df), nl=False)
    elif fmt == "table":
        Console().print(output.to_rich_table(df, title))
    else:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(output.FORMATS)}")


INGEST_STAGES = {"read": "inputs", "records": "records mapped", "write-nodes": "rows written",
                 "write-rels": "rows written", "commit": "committing"}


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders: reference .jsonl files, a bundle folder or .xlsx.",
                                       readable=False),  # an unreadable file is refused by the ingest, in one line
    db: Path | None = DbOpt,
    backend: str | None = BackendOpt,
    rejects: Path = typer.Option(Path("rejects.jsonl"), "--rejects", help="Where rejected records go (JSON Lines)."),
    source_type: str | None = typer.Option(None, "--source-type",
                                           help="cases, companies, un_reports, bundle, sii, mvt, citizenlab, ftm or admin_csv."),
    resolution: Path | None = typer.Option(None, "--resolution", show_default=False,
                                           help="Analyst decisions: merges to confirm or forbid (docs/external-data.md). "
                                                "Default: the decisions shipped with tnr-graph."),
    merge_log: Path | None = typer.Option(None, "--merge-log",
                                          help="Where the merge log goes (default: merges.jsonl beside --rejects)."),
    keep_private_names: bool = typer.Option(False, "--keep-private-names",
                                            help="Store real names of non-public persons (default: pseudonymise)."),
    rebuild: bool = typer.Option(False, "--rebuild",
                                 help="Empty the graph and load PATHS alone (e.g. to replace old pseudonyms; "
                                      "docs/safety.md)."),
    force: bool = typer.Option(False, "--force",
                               help="Read inputs again that are unchanged since their last completed load with the "
                                    "same settings (by default they are skipped)."),
):
    """Load files into the graph. Bad records go to the rejects file; the rest still load."""
    from ingest.batch import write_rejects
    from ingest.pipeline import IngestError
    from ingest.pipeline import ingest as run_ingest
    from ingest.resolve import DEFAULT_DECISIONS

    store = _store(db, backend, write=True)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            tasks: dict[str, int] = {}

            def progress(stage: str, done: int, total: int) -> None:
                task = INGEST_STAGES[stage]
                if task not in tasks:
                    tasks[task] = bar.add_task(task, total=total or None)
                bar.update(tasks[task], completed=done, total=total or None)

            report = run_ingest(store, paths, source_type, keep_private_names, progress,
                                decisions=resolution or DEFAULT_DECISIONS, rebuild=rebuild, force=force)
        counts = store.counts()
    except (IngestError, StoreError) as e:
        _fail(str(e))
    finally:
        store.close()
    for f in report.files:
        if f.skipped:
            console.print(terminal(f"{f.path} ({f.source_type}): unchanged since its last load, skipped "
                                   f"({f.records} records, {f.rejected} rejected then; --force reads it again)"))
        else:
            console.print(terminal(f"{f.path} ({f.source_type}): {f.records} records, {f.records - f.rejected} "
                                   f"loaded, {f.rejected} rejected"))
    console.print(f"graph: {sum(counts['nodes'].values())} nodes, {sum(counts['relationships'].values())} relationships")
    if report.merges:
        from ingest.pipeline import write_merge_log
        log = merge_log or rejects.with_name("merges.jsonl")
        write_merge_log(report.merges, log)
        merged = sum(m.get("action", "merged") == "merged" for m in report.merges)
        console.print(terminal(f"{merged} name(s) merged into other companies or agencies, "
                               f"{len(report.merges) - merged} loose match(es) kept apart; review them in {log}"))
    earlier = sum(f.rejected for f in report.files if f.skipped)
    if earlier and not report.rejects:
        _fail(f"{earlier} record(s) of the skipped input were rejected when it was loaded; see that run's rejects "
              f"file, or run again with --force to list them in {rejects}", code=1)
    if report.rejects:
        write_rejects(report.rejects, rejects)
        for r in report.rejects[:10]:
            console.print(terminal(("rejected", "yellow"), " ", r))
        if len(report.rejects) > 10:
            console.print(f"... and {len(report.rejects) - 10} more")
        _fail(f"{report.rejected} record(s) rejected; details in {rejects}", code=1)


@app.command()
def stats(db: Path | None = DbOpt, backend: str | None = BackendOpt, fmt: str = FormatOpt,
          with_hash: bool = typer.Option(False, "--hash", help="Also print the canonical graph hash (every node, "
                                                                 "relationship and property; equal on both backends).")):
    """Counts of nodes per label and relationships per type (and, with --hash, the graph's fingerprint)."""
    from graph.store.snapshot import graph_hash

    store = _store(db, backend)
    try:
        counts = store.counts()
        digest = graph_hash(store) if with_hash else None
    except StoreError as e:
        _fail(str(e))
    finally:
        store.close()
    if fmt == "json":
        typer.echo(json.dumps({**counts, **({"hash": digest} if digest else {})}, indent=2))
        return
    import pandas as pd

    rows = [("node", k, v) for k, v in counts["nodes"].items()] + [
        ("relationship", k, v) for k, v in counts["relationships"].items()]
    _emit(pd.DataFrame(rows, columns=["kind", "name", "count"]), fmt, "tnr-graph")
    if digest:
        typer.echo(f"graph hash: {digest}")


@app.command()
def queries(fmt: str = FormatOpt):
    """List the named queries with their parameters."""
    import pandas as pd

    from graph.analysis import ANALYSES

    rows = [(q.name, q.description, ", ".join(f"{p.name}:{p.type}={p.default}" for p in q.parameters.values()), "query")
            for q in load_library().values()]
    rows += [(a.name, a.description, ", ".join(f"{p.name}:{p.type}={p.default}" for p in a.parameters.values()), "analyze")
             for a in ANALYSES.values()]
    _emit(pd.DataFrame(rows, columns=["name", "description", "parameters", "command"]), fmt)


def _run_named(param: list[str], check, run, name: str, db: Path | None, backend: str | None):
    """Check NAME=VALUE parameters before opening the store, then run; errors end the command cleanly."""
    try:
        params = parse_cli_params(param)
        check(params)
    except QueryError as e:
        _fail(str(e))
    store = _store(db, backend)
    try:
        return run(store, name, params)
    except (QueryError, StoreError, ValueError) as e:
        _fail(str(e))
    finally:
        store.close()


@app.command()
def query(
    name: str | None = typer.Argument(None, help="Query name (see `tnr queries`); or give --cypher instead."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, repeatable (with --cypher a VALUE "
                                                               "that parses as JSON is that value, else text)."),
    cypher: str | None = typer.Option(None, "--cypher", help="Read-only Cypher of your own, checked by the console's "
                                                             "rules (docs/console.md) before it runs."),
    limit: int = typer.Option(DEFAULT_ROWS, "--limit", help="With --cypher: at most this many rows."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", help="With --cypher: stop the query after this many "
                                                                     "seconds."),
    db: Path | None = DbOpt,
    backend: str | None = BackendOpt,
    fmt: str = FormatOpt,
):
    """Run a named query from queries/, or with --cypher a read-only query of your own (the console)."""
    if (name is None) == (cypher is None):
        _fail("give a query NAME or --cypher TEXT (one of them)")
    if name is not None:
        _emit(_run_named(param, lambda p: bind(get_query(name), p), run_query, name, db, backend), fmt, name)
        return
    from graph.console import check, console_params, run_console

    try:
        params = console_params(parse_cli_params(param))
        check(cypher, params)  # refused before any store is opened
    except QueryError as e:
        _fail(str(e))
    store = _store(db, backend)
    try:
        df = run_console(store, cypher, params, limit, timeout)
    except (QueryError, StoreError) as e:
        _fail(str(e))
    finally:
        store.close()
    if "truncated" in df.attrs:
        console.print(terminal(f"truncated: {df.attrs['truncated']}"))
    _emit(df, fmt, "console")


def _analyze_epilog() -> str:
    from graph.analysis import columns_help

    return ("Columns of each result (their meanings: `tnr analyze --list -f json`, the Analyses page and "
            "docs/analyses.md):\n\n" + columns_help())


@app.command(epilog=_analyze_epilog())
def analyze(
    name: str | None = typer.Argument(None, help="Analysis name (see `tnr analyze --list`)."),
    list_: bool = typer.Option(False, "--list", help="List the NetworkX analyses and their parameters."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE, repeatable."),
    db: Path | None = DbOpt,
    backend: str | None = BackendOpt,
    fmt: str = FormatOpt,
):
    """Run a NetworkX analysis (centrality, communities, reach, paths, complicity score, ego network)."""
    import pandas as pd

    from graph.analysis import ANALYSES, bind_analysis, get_analysis, run_analysis

    if list_ or not name:
        rows = [(a.name, a.description, ", ".join(f"{p.name}:{p.type}={p.default}" + ("" if not p.required else " (required)")
                                                 for p in a.parameters.values()),
                 "; ".join(f"{c}: {m}" for c, m in a.columns.items())) for a in ANALYSES.values()]
        _emit(pd.DataFrame(rows, columns=["name", "description", "parameters", "columns"]), fmt)
        return
    df = _run_named(param, lambda p: bind_analysis(get_analysis(name), p), run_analysis, name, db, backend)
    for key in ("truncated", "approximate", "modularity"):
        if key in df.attrs:
            console.print(terminal(f"{key}: {df.attrs[key]}"))
    _emit(df, fmt, name)


@app.command(name="export")
def export_cmd(
    fmt: str = typer.Option(..., "--format", "-f", help="graphml, gexf, csv, json, cypher or ftm."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (a folder for csv)."),
    query_name: str | None = typer.Option(None, "--query", help="Export the nodes a named query's result names."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE for --query, repeatable."),
    ego: str | None = typer.Option(None, "--ego", help="Export the ego network of this entity (Label:key, key or name)."),
    depth: int = typer.Option(2, "--depth", help="Hops of the ego network."),
    max_nodes: int = typer.Option(100, "--max-nodes", help="Node cap of the ego network."),
    labels: list[str] = typer.Option([], "--label", help="Keep only ego-network nodes of this label (repeatable)."),
    path: tuple[str, str] | None = typer.Option(None, "--path", help="FROM TO: export the paths between two entities.",
                                                show_default=False),
    cutoff: int = typer.Option(4, "--cutoff", help="Longest path for --path, in relationships."),
    max_paths: int = typer.Option(10, "--max-paths", help="At most this many paths for --path."),
    whole: bool = typer.Option(False, "--all", help="Export the whole graph."),
    sources: bool = typer.Option(False, "--sources", help="Also export Source nodes and provenance relationships "
                                                          "(always with --all)."),
    audit_log: Path | None = typer.Option(None, "--audit-log", show_default=False,
                                          help="Audit log (default: $TNR_AUDIT_LOG, else beside the database)."),
    db: Path | None = DbOpt,
    backend: str | None = BackendOpt,
):
    """Export a subgraph (query result, ego network, paths or the whole graph) for Gephi, Neo4j, Aleph..."""
    from graph.export import FORMATS, Selection, export
    from graph.export import audit as audit_mod
    from graph.export import selection as sel

    chosen = [x for x in (query_name, ego, path, whole or None) if x]
    if len(chosen) != 1:
        _fail("choose exactly one of --query, --ego, --path or --all")
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    store = _store(db, backend)
    try:
        if query_name:
            params = parse_cli_params(param)
            bind(get_query(query_name), params)
            s = Selection(sel.query_selection(store, query_name, params, sources), "query", query_name, params)
        elif ego:
            ps = {"entity": ego, "depth": depth, "max_nodes": max_nodes, "labels": labels, "sources": sources}
            s = Selection(sel.ego_selection(store, ego, depth, max_nodes, sources, labels), "ego", None, ps)
        elif path:
            ps = {"from": path[0], "to": path[1], "cutoff": cutoff, "max_paths": max_paths, "sources": sources}
            s = Selection(sel.path_selection(store, path[0], path[1], cutoff, max_paths, sources), "path", None, ps)
        else:
            s = Selection(sel.whole_graph(store), "all")
        log = audit_log or audit_mod.audit_path(store.backend, db or default_db())
        files, meta = export(store, s, fmt, output, audit_log=log)
    except (QueryError, StoreError, ValueError, KeyError) as e:
        _fail(str(e))
    finally:
        store.close()
    console.print(f"exported {meta['nodes']} nodes and {meta['relationships']} relationships as {fmt} to {output} "
                  f"({len(files)} file(s)); graph hash {meta['graph_hash'][:12]}; logged in {log}")


@app.command()
def schema(
    what: str = typer.Argument("markdown", help="markdown, ladybug (DDL) or neo4j (constraints)."),
    write: Path | None = typer.Option(None, "--write", help="Write to this file instead of stdout."),
):
    """Print what the schema generates."""
    s = load_schema()
    text = {"markdown": lambda: schema_markdown(s),
            "ladybug": lambda: ";\n".join(ladybug_ddl(s)) + ";\n",
            "neo4j": lambda: ";\n".join(neo4j_constraints(s)) + ";\n"}.get(what)
    if text is None:
        _fail(f"unknown schema output {what!r}")
    if write:
        write.write_text(text(), encoding="utf-8")
    else:
        typer.echo(text(), nl=False)


@app.command()
def template(out: Path = typer.Argument(Path("data/templates"), help="Folder to write the bundle template to.")):
    """Write the spreadsheet bundle template (one CSV per sheet and one .xlsx)."""
    from ingest.templates import write_templates

    for path in write_templates(out):
        console.print(terminal(f"wrote {path}"))


@app.command()
def sync(
    from_backend: str = typer.Option(..., "--from", help="embedded or neo4j"),
    to_backend: str = typer.Option(..., "--to", help="embedded or neo4j"),
    db: Path | None = DbOpt,
    replace: bool = typer.Option(False, "--replace", help="Empty the target first, so it ends equal to the source."),
):
    """Copy the whole graph between backends (e.g. a laptop's embedded store to a team's Neo4j)."""
    from graph.store.sync import copy_graph

    if from_backend == to_backend:
        _fail("--from and --to name the same backend")
    source = _store(db, from_backend)
    try:
        target = _store(db, to_backend, write=True)
        try:
            with Progress(TextColumn("copying"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
                task = bar.add_task("copy", total=None)
                counts = copy_graph(source, target, replace,
                                    lambda _s, done, total: bar.update(task, completed=done, total=total))
        except StoreError as e:
            _fail(str(e))
        finally:
            target.close()
    finally:
        source.close()
    console.print(f"{to_backend}: {sum(counts['nodes'].values())} nodes, "
                  f"{sum(counts['relationships'].values())} relationships")


@app.command()
def neo4j(action: str = typer.Argument(..., help="install, start, stop, status, env or reset")):
    """Run the local Neo4j Community server (graph/neo4j_server.py; Java 17 and Maven needed)."""
    from graph import neo4j_server

    if action not in ("install", "start", "stop", "status", "env", "reset"):
        _fail(f"unknown action {action!r}")
    raise typer.Exit(neo4j_server.main([action]))


@app.command(name="app")
def run_app(
    db: Path | None = DbOpt,
    backend: str | None = BackendOpt,
    port: int = typer.Option(8501, "--port"),
):
    """Serve the Streamlit app on 127.0.0.1, to requests for that address only, until Ctrl+C or SIGTERM."""
    from app_pages.serve import serve

    os.environ["TNR_DB"] = str((db or default_db()).resolve())
    os.environ["TNR_BACKEND"] = backend or default_backend()
    console.print(f"serving on http://127.0.0.1:{port}")
    serve(port)


def main() -> None:
    """``tnr``: a store that fails outside a command's own handling (closing after a full disk) or a file that cannot
    be read or written ends in one line and exit status 2, like every other error that writes nothing."""
    try:
        app()
    except StoreError as e:
        console.print(terminal(("error:", "red"), " ", str(e)))
        raise SystemExit(2) from None
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        console.print(terminal(("error:", "red"), " ", f"{where}{e.strerror or e}; check that the path exists and "
                               "that this user may read it (or write it)"))
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
