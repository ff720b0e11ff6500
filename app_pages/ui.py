"""Widgets the pages share: a form generated from declared parameters, and a result with its downloads.

Only layout lives here; running queries and analyses is the library's job (``graph.queries``,
``graph.analysis``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from graph.entity import KIND_OF
from graph.output import records, to_csv, to_json
from graph.queries import Param, run_internal, run_query
from graph.safe_text import markdown
from graph.search import NameIndex, pick
from graph.store import default_backend, default_db, open_store
from graph.store.base import StoreError
from graph.store.embedded import files_signature


def store():
    """The configured store (``$TNR_BACKEND``, ``$TNR_DB``), read-only; use it in a ``with`` block."""
    return open_store(default_db(), backend=default_backend())


def data_version() -> str:
    """Which graph the pages show, the key of every cache: cheap enough to ask on every view, and new after
    every write. Embedded: the database's location and its files' signature (graph.store.embedded
    .files_signature: their inodes, sizes and modification times, read from the file system without opening
    the database). Neo4j: the server and database, the node and relationship counts (from Neo4j's count
    store) and the ingest marker's generation, which every write moves on (graph/store/ingest_marker.py), so
    an ingest that changed properties alone is seen too."""
    if default_backend() == "embedded":
        path = default_db().resolve()
        signature = files_signature(path)
        if not signature:  # no database: the store says what to do
            with store():
                pass
        return f"embedded:{path}#{signature}"
    where = f"neo4j:{os.environ.get('NEO4J_URI', '')}/{os.environ.get('NEO4J_DATABASE', '')}"
    with store() as s:
        counted = run_internal(s, "data_version")
        counts = dict(zip(counted.counted, counted.number))
        generation = s.ingest_generation()
    return f"{where}#{int(counts['nodes'])}/{int(counts['relationships'])}/g{generation}"


@st.cache_data(max_entries=4, show_spinner=False)
def _name_index(version: str) -> NameIndex:
    with store() as s:
        return NameIndex.from_store(s)


def name_index() -> NameIndex:
    """The entity names of the configured graph (graph.search), cached per data version."""
    return _name_index(data_version())


@st.cache_data(max_entries=64, show_spinner=False)
def _query(version: str, name: str, params: tuple) -> pd.DataFrame:
    with store() as s:
        return run_query(s, name, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def cached_query(name: str, params: dict[str, Any]) -> pd.DataFrame:
    """A named query's result (graph.queries.run_query), cached per data version and parameters."""
    return _query(data_version(), name, tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                                     for k, v in params.items())))


def entity_url(label: str, key: str, name: str | None = None) -> str | None:
    """The relative URL of an entity's page (``app_pages/entity.py``; its state is the query string), or
    None for a label that has no page. The name is only what a link column shows (:data:`ENTITY_LINK`).

    >>> entity_url("Company", "company-nso-group", "NSO Group")
    'entity?kind=company&id=company-nso-group&name=NSO%20Group'
    """
    kind = KIND_OF.get(label)
    if kind is None:
        return None
    return "entity?" + urlencode({"kind": kind, "id": key, "name": name or key}, quote_via=quote)


# A ``nodes`` value for a column of NetworkX node names (``Label:key``, graph.analysis.subgraph.node_id).
NODE_ID = "node"

# A link column shows the name from the URL (Streamlit decodes it), drawn on the grid's canvas as text.
ENTITY_LINK = r"name=([^&]*)"


def entity_link_column(label: str, help_text: str = "") -> Any:
    return st.column_config.LinkColumn(label, display_text=ENTITY_LINK, help=help_text or None)


def web_link_column(label: str, help_text: str = "") -> Any:
    """A column of http(s) links (graph.safe_text.web_link has vetted each), shown as their address."""
    return st.column_config.LinkColumn(label, help=help_text or None)


# --- the view's state in the URL ------------------------------------------------------------------------------
# A page keeps every choice that shapes its view in the query string, so a link reopens the same view: each
# widget takes its first value from the URL (:func:`from_url`, before the widget is drawn, so Streamlit gets
# one value, not a default and a session value), and the page writes its whole state back at the end of a
# run (:func:`keep_in_url`). Values equal to the defaults are left out, so a page opened plainly has a plain URL.


def from_url(key: str, param: str, convert: Callable[[str], Any] = str, default: Any = None) -> None:
    """Give the widget ``key`` its value from the URL's ``param`` when the page draws it for the first time
    in this session (a shared link); ``convert`` turns the text into the widget's value (a ValueError or
    KeyError, or None, gives ``default``). A ``default`` of None leaves the widget its own default."""
    if key in st.session_state:
        return
    raw = st.query_params.get(param)
    value = default
    if raw not in (None, ""):
        try:
            converted = convert(raw)
        except (ValueError, KeyError):
            converted = None
        value = default if converted is None else converted
    if value is not None:
        st.session_state[key] = value


def keep_in_url(view: dict[str, Any]) -> None:
    """Make the URL's query string the page's view (entries that are None or "" left out)."""
    view = {k: str(v) for k, v in view.items() if v not in (None, "")}
    if dict(st.query_params) != view:
        st.query_params.from_dict(view)


def clear_url() -> None:
    """An ``on_change`` for a widget that picks another form (query, analysis): the new form starts from its
    defaults, not from the values the URL held for the previous one."""
    st.query_params.clear()


def one_of(choices) -> Callable[[str], Any]:
    """A :func:`from_url` converter: the choice whose text is the URL's (KeyError when none is)."""
    by_text = {str(c): c for c in choices}
    return by_text.__getitem__


def _url_text(p: Param, value: Any) -> str:
    """How a form value is written in the URL ("" for the parameter's default, which is left out)."""
    def text(v: Any) -> str:
        if isinstance(v, bool):
            return "1" if v else "0"
        if isinstance(v, list):
            return ", ".join(map(str, v))
        if isinstance(v, float) and v == int(v) and p.type == "int":
            return str(int(v))
        return "" if v is None else str(v)

    return "" if text(value) == text(p.default) else (text(value) or ("" if p.default in (None, "") else " "))


class FormValues(dict):
    """The values of a parameter form, the names typed into pickers that matched nothing, and the form's
    entries for the URL (:func:`keep_in_url`)."""

    unresolved: list[str]
    url: dict[str, str]


def param_form(form_key: str, parameters: dict[str, Param], submit: str = "Run", url_prefix: str | None = None
               ) -> tuple[FormValues, bool]:
    """One widget per declared parameter (string, int, float, bool, list) in a form; its values and whether it was submitted.

    Values left empty are left out, so a missing required parameter is reported by the library. With
    ``url_prefix`` the widgets take their first values from the URL's ``{url_prefix}{name}`` entries and
    ``values.url`` holds the entries of the values that differ from the defaults.
    """
    values = FormValues()
    values.unresolved, values.url = [], {}
    with st.form(form_key):
        for p in parameters.values():
            label = f"{p.name}{' (required)' if p.required else ''}" + (f": {p.description}" if p.description else "")
            key = f"{form_key}:{p.name}"
            _first_value(p, key, None if url_prefix is None else url_prefix + p.name)
            if p.picks:
                _picker(p, label, key, values)
            else:
                v = _widget(p, label, key)
                if v is not None and not (p.required and v == ""):
                    values[p.name] = v
            if url_prefix is not None:
                typed = st.session_state.get(key) if p.name in values.unresolved else values.get(p.name)
                if _url_text(p, typed):
                    values.url[url_prefix + p.name] = _url_text(p, typed)
        submitted = st.form_submit_button(submit)
    return values, submitted


def _first_value(p: Param, key: str, url_param: str | None) -> None:
    """Put a form widget's first value in the session, in the widget's own type: the URL's (``url_param``)
    when it holds one, else the parameter's default (a picker shows the name of the key). The widgets then
    take no default of their own, so Streamlit never sees two."""
    if key in st.session_state:
        return
    convert: Callable[[str], Any] = str
    default = _widget_default(p)
    if p.picks:
        try:
            index = name_index()
        except StoreError:  # no graph to name from: the field holds the key as given
            index = None
        if index is not None:
            default = "" if p.default in (None, "") else index.display(p.picks[0], str(p.default))

            def convert(raw: str) -> str:
                return next((index.display(label, raw) for label in p.picks if index.entry(label, raw)), raw)
    elif p.choices:
        convert = one_of(p.choices)
    elif p.type == "int":
        convert = int
    elif p.type == "float":
        convert = float
    elif p.type == "bool":
        convert = {"1": True, "true": True, "0": False, "false": False}.__getitem__
    if url_param is not None:
        from_url(key, url_param, convert, default)
    st.session_state.setdefault(key, default)


def _widget_default(p: Param) -> Any:
    """What a parameter's widget shows before anyone changes it."""
    if p.picks:
        return "" if p.default is None else str(p.default)
    if p.choices:
        return p.default if p.default in p.choices else p.choices[0]
    if p.type == "int":
        return None if p.default is None else int(p.default)
    if p.type == "float":
        return None if p.default is None else float(p.default)
    if p.type == "bool":
        return bool(p.default)
    if p.type == "list":
        return ", ".join(map(str, p.default)) if isinstance(p.default, list) else (p.default or "")
    return "" if p.default is None else str(p.default)


def _widget(p: Param, label: str, key: str) -> Any:
    """The widget of a parameter that is not a picker (its first value is in the session); its value."""
    if p.choices:
        return st.selectbox(label, list(p.choices), help=p.description, key=key)
    if p.type == "int":
        return st.number_input(label, step=1, help=p.description, key=key)
    if p.type == "float":
        return st.number_input(label, help=p.description, key=key)
    if p.type == "bool":
        return st.checkbox(label, help=p.description, key=key)
    if p.type == "list":
        return st.text_input(label, help=f"{p.description} (comma-separated)", key=key)
    return st.text_input(label, help=p.description, key=key)


def _picker(p: Param, label: str, key: str, values: FormValues) -> None:
    """A text field that takes a name, common name or code and resolves it with graph.search (ranked)."""
    try:
        index = name_index()
    except StoreError:  # no graph to pick from: the page says why; the field takes the key as typed
        values[p.name] = st.text_input(label, key=key, help=p.description)
        return
    kinds = " or ".join(k.lower() for k in p.picks)
    text = st.text_input(label.split(":")[0] + f" ({kinds}: a name, common name or code)", key=key,
                         help=p.description)
    if not text.strip():
        if not p.required:
            values[p.name] = ""
        return
    chosen = pick(index, text, p.picks)
    if chosen.chosen:
        values[p.name] = chosen.chosen.key
        st.caption("→ " + markdown(chosen.message))
    else:
        values.unresolved.append(p.name)
        st.warning(markdown(chosen.message))


def file_stem(name: str) -> str:
    """A download file name made of ``name``'s letters, digits, dots and dashes.

    >>> file_stem("Incident:ref-<img src=x>")
    'Incident-ref-img-src-x'
    """
    return re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-.") or "result"


def _key(name: str) -> str:
    """A widget key for ``name`` that carries no data (Streamlit turns keys into CSS class names)."""
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def page_column(column: str) -> str:
    """The name of the link column shown beside a node column (:func:`with_entity_links`)."""
    return f"{column} page"


def with_entity_links(df: pd.DataFrame, nodes: dict[str, str], columns: dict[str, str] | None = None
                      ) -> tuple[pd.DataFrame, dict[str, Any], dict[str, str]]:
    """``df`` with a link to the entity page beside every column that ``nodes`` declares to hold node keys
    (a query header's ``nodes:``, an analysis's ``nodes``; the label :data:`NODE_ID` means ``Label:key``),
    each link showing the entity's name; with the link columns' configuration and meanings.

    A list column keeps its keys without links (a grid cell holds one link).
    """
    out, links, meanings = df.copy(), {}, dict(columns or {})
    index = name_index() if nodes else None
    for column, label in nodes.items():
        if column not in out or any(isinstance(v, list) for v in out[column]):
            continue
        urls = []
        for value in out[column]:
            lab, key = (value.split(":", 1) if label == NODE_ID and isinstance(value, str) and ":" in value
                        else (label, value))
            ok = key not in (None, "") and not (isinstance(key, float) and key != key)
            urls.append(entity_url(lab, str(key), index.display(lab, str(key))) if ok else None)
        if not any(urls):
            continue
        name = page_column(column)
        out.insert(out.columns.get_loc(column) + 1, name, urls)
        links[name] = entity_link_column(name, f"the page of the entity in {column}")
        meanings[name] = f"the page of the entity in {column}"
    if columns:  # the meanings in the order of the table
        meanings = {c: meanings[c] for c in out.columns if c in meanings}
    return out, links, meanings


def show_result(df: pd.DataFrame, basename: str, columns: dict[str, str] | None = None,
                links: dict[str, Any] | None = None, nodes: dict[str, str] | None = None) -> None:
    """A result table with its row count, CSV and JSON downloads, notes from ``df.attrs`` and the column meanings.

    ``links`` maps columns that hold URLs (:func:`entity_url`, vetted web links) to their ``LinkColumn``:
    they are shown as links. ``nodes`` names the columns that hold node keys: each gets a link to the
    entity's page beside it (:func:`with_entity_links`). The downloads hold what ``df`` holds.
    """
    notes = [f"{k}: {v}" for k, v in df.attrs.items() if k in ("truncated", "approximate", "modularity", "nodes")]
    st.caption(f"{len(df)} rows" + (f" ({markdown('; '.join(notes))})" if notes else ""))
    shown, links = df, dict(links or {})
    if nodes:
        try:
            shown, more, columns = with_entity_links(df, nodes, columns)
            links.update(more)
        except StoreError:  # no graph to name the entities from: the table shows without links
            pass
    st.dataframe(pd.DataFrame(records(shown), columns=list(shown.columns)), hide_index=True, width="stretch",
                 column_config=links or None)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("Download CSV", to_csv(df), file_name=f"{file_stem(basename)}.csv", mime="text/csv",
                         on_click="ignore", key=f"csv:{_key(basename)}")
    right.download_button("Download JSON", to_json(df), file_name=f"{file_stem(basename)}.json", mime="application/json",
                          on_click="ignore", key=f"json:{_key(basename)}")
    if columns:
        with st.expander("Columns"):
            st.table(pd.DataFrame(columns.items(), columns=["column", "meaning"]))


def show_graph(html: str, height: int) -> None:
    """A self-contained pyvis page (graph.view.pyvis_html) in an iframe."""
    if hasattr(st, "iframe"):  # newer Streamlit: st.components.v1.html is deprecated in favour of st.iframe
        st.iframe(html, height=height + 20)
    else:
        import streamlit.components.v1 as components

        components.html(html, height=height + 20)
