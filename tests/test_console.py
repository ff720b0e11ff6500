"""The console (graph/console.py): hostile queries refused on both backends with the graph unchanged, allowed
queries giving the values counted by hand in data/sample/cases.jsonl, and random token soup refused cleanly."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.console import ConsoleRefused, check, rules, run_console
from graph.store.base import StoreError
from graph.store.embedded import EmbeddedStore
from graph.store.snapshot import graph_hash
from tests.helpers import FIXTURES, ROOT, ensure_neo4j_sample, neo4j_store, tnr

HOSTILE = yaml.safe_load((FIXTURES / "hostile_cypher.yaml").read_text(encoding="utf-8"))
TIMEOUT = 2.0


def test_the_corpus_covers_every_kind_of_attack():
    assert len(HOSTILE) >= 40
    assert {c["reason"] for c in HOSTILE} >= {"write", "admin", "procedure", "file", "function", "statements",
                                               "unicode", "lexical", "parameter", "size", "timeout"}


def test_every_hostile_query_is_refused_and_the_graph_is_unchanged(sample_store):
    before = graph_hash(sample_store)
    wrong = []
    for case in HOSTILE:
        try:
            run_console(sample_store, case["query"], case.get("params"), timeout=TIMEOUT)
            wrong.append((case["query"], "ran"))
        except ConsoleRefused as e:
            if e.reason != case["reason"]:
                wrong.append((case["query"], str(e)))
    assert wrong == []
    assert graph_hash(sample_store) == before


def test_texts_too_long_or_too_deep_to_parse_in_time_are_refused():
    """Measured: Ladybug parsed 3,000 nested parentheses for over 2 minutes, and both engines took 11-13 s to parse
    and plan a 20,000-character sum, outside any query timeout; at 5,000 characters the worst seen was 2.8 s."""
    with pytest.raises(ConsoleRefused, match=r"refused \(size\): brackets nested deeper than 32 at character 40"):
        check("RETURN " + "(" * 40 + "1" + ")" * 40)
    with pytest.raises(ConsoleRefused, match=r"refused \(size\): the query is 5011 characters long; at most 5000"):
        check("RETURN " + "+".join("1" * 2500) + " AS x")
    check("RETURN " + "(" * 32 + "1" + ")" * 32 + " AS x")


def test_a_refusal_is_one_line_naming_the_reason():
    with pytest.raises(ConsoleRefused) as e:
        check("MATCH (n) /* hidden */ DETACH DELETE n")
    assert str(e.value) == "refused (write): the console only reads; DETACH would change the graph"
    with pytest.raises(ConsoleRefused) as e:
        check("ＭＡＴＣＨ (n) RETURN n")
    assert str(e.value) == ("refused (unicode): only ASCII outside string literals: U+FF2D FULLWIDTH LATIN CAPITAL "
                            "LETTER M at character 1, a look-alike of 'MATCH'")


def test_what_runs_is_the_text_as_checked_without_comments():
    q = check("MATCH (c:Country) // the states\nRETURN c.name /* their names */ AS name;", {"x": [1, "a"]})
    assert q.text == "MATCH (c:Country)  \nRETURN c.name   AS name"
    assert q.params == {"x": [1, "a"]}


# Read queries an analyst writes, each valid on Ladybug or Neo4j (or both): the check lets every one through.
ORDINARY = [
    "MATCH (c:Country) WHERE c.name STARTS WITH 'Sau' RETURN c.iso2 AS iso2",
    "MATCH (c:Country {iso2: 'SA'}) OPTIONAL MATCH (c)<-[:PERPETRATED_BY]-(i:Incident) WITH c, count(i) AS n "
    "RETURN c.name AS name, n",
    "MATCH (i:Incident) WHERE i.year IS NOT NULL RETURN CASE WHEN i.year < 2015 THEN 'before' ELSE 'since' END AS "
    "period, count(*) AS n ORDER BY period",
    "MATCH (i:Incident)-[:PERPETRATED_BY]->(c:Country) RETURN c.iso2 AS origin, collect(DISTINCT i.id) AS ids "
    "ORDER BY origin DESC SKIP 1 LIMIT 2",
    "UNWIND $codes AS code MATCH (c:Country {iso2: code}) RETURN toLower(c.name) AS name, size(c.name) AS len",
    "MATCH (c:Country {iso2: 'RW'}) RETURN c.name AS x UNION ALL MATCH (c:Country {iso2: 'SA'}) RETURN c.name AS x",
    "MATCH (c:Country) WHERE EXISTS { MATCH (c)<-[:PERPETRATED_BY]-(:Incident) } RETURN count(c) AS n",
    "MATCH (c:Country) WHERE COUNT { MATCH (c)<-[:PERPETRATED_BY]-(:Incident) } > 4 RETURN c.iso2 AS iso2",
    "RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * 10] AS odd",
    "MATCH (c:Country) WHERE c.iso2 IN ['RW', 'SA'] AND NOT c.name CONTAINS 'x' RETURN c.name AS name",
    "MATCH (a:Country {iso2: 'RW'}), (b:Country {iso2: 'ZA'}) MATCH p = shortestPath((a)-[*..4]-(b)) RETURN "
    "length(p) AS hops, nodes(p) AS path",
    "MATCH p = (a:Country {iso2: 'RW'})-[* SHORTEST 1..4]-(b:Country {iso2: 'ZA'}) RETURN length(p) AS hops",
    "MATCH (c:Country {iso2: 'RW'}) RETURN c {.name, .iso2} AS m",
    "MATCH (n:Company)-[r]->(m) RETURN type(r) AS type, labels(m) AS labels, count(*) AS count ORDER BY type",
    "MATCH (s:Source) WHERE s.url ENDS WITH '.pdf' RETURN s.title AS title, s.url AS url, s.path AS path;",
    "MATCH (c:Company) RETURN c.name AS `name; DELETE`, coalesce(c.hq_country, '?') AS hq // a comment",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_read_queries_pass_the_check(text):
    check(text, {"codes": ["RW", "SA"]})


def test_allowed_queries_give_the_hand_counted_values(sample_store):
    # cases.jsonl: Rwanda is the origin of ref-0002 and ref-0004 (host ZA), ref-0032 (AE), ref-0035 (US).
    df = run_console(sample_store, "MATCH (i:Incident)-[:PERPETRATED_BY]->(c:Country {iso2: $origin}) "
                                   "MATCH (i)-[:OCCURRED_IN]->(h:Country) "
                                   "RETURN i.id AS incident, h.iso2 AS host ORDER BY incident", {"origin": "RW"})
    assert df.to_dict("records") == [{"incident": "ref-0002", "host": "ZA"}, {"incident": "ref-0004", "host": "ZA"},
                                     {"incident": "ref-0032", "host": "AE"}, {"incident": "ref-0035", "host": "US"}]
    # 42 incidents; the five origins with most: CN 6, IR 6, RU 5, SA 5, RW 4.
    df = run_console(sample_store, "MATCH (i:Incident)-[:PERPETRATED_BY]->(c:Country) WITH c.iso2 AS origin, "
                                   "count(i) AS n RETURN origin, n ORDER BY n DESC, origin LIMIT 5")
    assert [tuple(r) for r in df.itertuples(index=False)] == [("CN", 6), ("IR", 6), ("RU", 5), ("SA", 5), ("RW", 4)]
    assert run_console(sample_store, "MATCH (i:Incident) RETURN count(i) AS n").iloc[0]["n"] == 42


def test_nodes_relationships_and_paths_come_back_as_text_and_a_graph(sample_store):
    df = run_console(sample_store, "MATCH p = (i:Incident)-[r:PERPETRATED_BY]->(c:Country {iso2: 'SA'}) "
                                   "RETURN i, r, c, p ORDER BY i.id LIMIT 2")
    assert df.to_dict("records")[0] == {
        "i": "Incident:ref-0005", "c": "Country:SA", "r": "Incident:ref-0005 -[PERPETRATED_BY]-> Country:SA",
        "p": "Incident:ref-0005 -[PERPETRATED_BY]- Country:SA"}
    g = df.attrs["graph"]
    assert sorted(g.nodes) == ["Country:SA", "Incident:ref-0005", "Incident:ref-0013"]
    assert g.nodes["Country:SA"]["name"] == "Saudi Arabia"
    assert sorted(g.edges(keys=True)) == [("Incident:ref-0005", "Country:SA", "PERPETRATED_BY"),
                                          ("Incident:ref-0013", "Country:SA", "PERPETRATED_BY")]


def test_a_parameter_that_looks_like_cypher_is_data(sample_store):
    hostile = "x' }) DETACH DELETE n //"
    df = run_console(sample_store, "MATCH (c:Country) WHERE c.name = $q WITH count(c) AS n RETURN n, $q AS q", {"q": hostile})
    assert df.to_dict("records") == [{"n": 0, "q": hostile}]


def test_the_row_limit_cuts_the_result(sample_store):
    df = run_console(sample_store, "UNWIND range(1, 20) AS x RETURN x", limit=5)
    assert list(df["x"]) == [1, 2, 3, 4, 5]
    assert "the first 5 rows" in df.attrs["truncated"]
    assert "truncated" not in run_console(sample_store, "UNWIND range(1, 5) AS x RETURN x", limit=5).attrs


def test_the_store_refuses_a_write_that_got_past_the_check(sample_store):
    """The second line of defence: a read-only Ladybug database, a Neo4j read transaction."""
    before = graph_hash(sample_store)
    with pytest.raises(StoreError) as e:
        sample_store.bounded_rows("CREATE (c:Country {iso2: 'XX', name: 'x'}) RETURN c", {}, 10, TIMEOUT)
    assert "read" in str(e.value).lower()
    assert graph_hash(sample_store) == before


@pytest.mark.neo4j
def test_neo4j_explain_tells_the_query_type(neo4j_server):
    ensure_neo4j_sample(neo4j_server)
    with neo4j_store(neo4j_server) as store:
        before = graph_hash(store)
        assert store.query_type("MATCH (c:Country) RETURN c.name", {}) == "r"
        assert store.query_type("CREATE (c:Country {iso2: 'XX'})", {}) == "w"
        assert store.query_type("MATCH (c:Country) SET c.x = 1 RETURN c", {}) == "rw"
        assert graph_hash(store) == before  # EXPLAIN plans, never runs


@pytest.mark.neo4j
def test_the_console_during_a_neo4j_ingest_says_so_and_is_no_refusal(neo4j_server):
    from tests.helpers import _hold

    ensure_neo4j_sample(neo4j_server)
    holder = _hold(neo4j_server, 8)  # a writer holds the "ingest in progress" marker
    try:
        with neo4j_store(neo4j_server) as store, pytest.raises(StoreError) as e:
            run_console(store, "MATCH (c:Country) RETURN count(c) AS n")
        assert "an ingest is in progress since" in str(e.value) and "try again" in str(e.value)
    finally:
        assert holder.wait(timeout=60) == 0
    with neo4j_store(neo4j_server) as store:
        assert run_console(store, "MATCH (i:Incident) RETURN count(i) AS n").iloc[0]["n"] == 42


def test_the_rules_are_documented():
    doc = (ROOT / "docs" / "console.md").read_text(encoding="utf-8")
    r = rules()
    for word in [*r.refused, *r.keywords]:
        assert f"`{word}`" in doc, word
    for reason in r.reasons:
        assert f"`{reason}`" in doc, reason


# Token soup: words of every kind, punctuation, literals, comments and odd characters, in any order; and ordinary
# or hostile queries with one of them spliced in anywhere.
WORDS = ["MATCH", "RETURN", "WITH", "WHERE", "CREATE", "DELETE", "LOAD", "CALL", "apoc", "count", "range", "n", "m",
         "(", ")", "[", "]", "{", "}", ":", ".", ",", ";", "-", "->", "<-", "*", "..", "=", "$p", "'a'", '"b\\"c"', "'",
         "`x`", "`", "//", "/*", "*/", "\n", " ", "1", "2.5", "0x1F", "\u00a0", "Ｃ", "é", "'é'", "\\", "#", "|"]
SPLICED = st.tuples(st.sampled_from(ORDINARY + [c["query"] for c in HOSTILE]), st.sampled_from(WORDS),
                    st.integers(0, 300)).map(lambda t: f"{t[0][:t[2]]} {t[1]} {t[0][t[2]:]}")
SOUP = st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join) | st.text(max_size=60) | SPLICED


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=SOUP)
def test_token_soup_never_raises_anything_but_a_refusal(sample_db, text):
    try:
        check(text)
    except ConsoleRefused:
        return
    with EmbeddedStore(sample_db) as store:
        try:
            run_console(store, text, {"p": 1, "codes": ["RW"]}, limit=5, timeout=0.5)
        except ConsoleRefused:
            pass


def test_tnr_query_cypher_on_both_backends(sample_cli):
    args, env = sample_cli
    ok = tnr("query", "--cypher", "MATCH (c:Country {iso2: $c}) RETURN c.name AS name, c", "-p", "c=RW", "-f", "json",
             *args, env=env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == [{"name": "Rwanda", "c": "Country:RW"}]
    cut = tnr("query", "--cypher", "UNWIND range(1, 10) AS x RETURN x", "--limit", "3", "-f", "csv", *args, env=env)
    assert (cut.returncode, cut.stdout) == (0, "x\n1\n2\n3\n")
    assert "truncated: the first 3 rows" in cut.stderr
    refused = tnr("query", "--cypher", "MATCH (n) // just reading\nDETACH DELETE n", *args, env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "error: refused (write): the console only reads; DETACH would change the graph"
    named = tnr("query", "incidents_per_host", "-p", "year_from=2020", "-f", "json", *args, env=env)
    assert named.returncode == 0 and json.loads(named.stdout)
    both = tnr("query", "incidents_per_host", "--cypher", "RETURN 1 AS x", *args, env=env)
    assert both.returncode == 2 and "one of them" in both.stderr
