"""The served app in Debian's chromium: every page renders the sample and asks no host but localhost."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.helpers import IN_CI, ROOT, stop_process_group

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
LOCAL = {"127.0.0.1", "localhost", "[::1]", "::1"}

pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists() and not IN_CI:
    pytest.skip("Debian chromium not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(args: list[str], env: dict, log_path: Path):
    """`tnr app` on a free loopback port (over the store named by ``args``/``env``): its URL."""
    port = _free_port()
    log = log_path.open("w")
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "app", *args, "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env},
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        stop_process_group(proc)
        pytest.fail(f"app did not start: {log_path.read_text()}")
    try:
        yield url
    finally:
        stop_process_group(proc)  # `tnr app` and anything it started


@pytest.fixture()
def served_app(sample_cli, tmp_path):
    """The app served by `tnr app` on a free loopback port, over the sample on each backend."""
    with _serve(*sample_cli, tmp_path / "app.log") as url:
        yield url


CONSOLE_QUERY = ("MATCH (i:Incident)-[r:PERPETRATED_BY]->(c:Country {iso2: $origin}) "
                 "RETURN i.id AS incident, i, r, c ORDER BY incident")


def test_app_renders_the_sample_and_stays_local(served_app, tmp_path):
    """Every page renders (the Explore page draws GainJet's ego network, the Host states page its four charts,
    the Console a query opened from its URL)
    and no request leaves the machine.

    Screenshots of each page go to ``$TNR_SCREENSHOTS`` (a folder) as ``app-<page>.png``, else to tmp_path.
    """
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("TNR_SCREENSHOTS", tmp_path))
    hosts = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.on("request", lambda r: hosts.append(urlparse(r.url).hostname))
        page.goto(served_app, wait_until="networkidle")
        # The result grid draws on a canvas; the caption above it is text.
        page.get_by_text("3 rows").first.wait_for(timeout=60_000)
        page.get_by_text("AccountabilityAction").first.wait_for(timeout=60_000)
        body = page.inner_text("body")
        page.screenshot(path=str(shots / "app-overview.png"), full_page=True)

        page.goto(served_app + "/questions", wait_until="networkidle")
        page.get_by_text("Download CSV").first.wait_for(timeout=60_000)
        page.screenshot(path=str(shots / "app-questions.png"), full_page=True)

        page.goto(served_app + "/analyses", wait_until="networkidle")
        page.get_by_role("combobox").first.click()
        page.get_by_role("option", name="reach", exact=True).click()
        page.get_by_text("origin (country: a name, common name or code)").wait_for(timeout=60_000)  # the form of reach
        _idle(page)  # a click during the rerun that choosing the analysis started is lost
        page.get_by_role("button", name="Run").first.click()
        page.get_by_text("Download JSON").first.wait_for(timeout=60_000)
        page.screenshot(path=str(shots / "app-analyses.png"), full_page=True)

        page.goto(served_app + "/companies", wait_until="networkidle")
        page.get_by_text("score = 3·F + 1·W + 1·A + 1·P").first.wait_for(timeout=60_000)
        page.get_by_text("8 rows").first.wait_for(timeout=60_000)  # the sample's ranking
        _idle(page)
        page.screenshot(path=str(shots / "app-companies.png"), full_page=True)

        page.goto(served_app + "/host_states", wait_until="networkidle")
        page.get_by_text("The UN naming gap, year by year").first.wait_for(timeout=60_000)
        page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").nth(3).wait_for(
            timeout=60_000)  # the four charts are drawn
        _idle(page)
        page.screenshot(path=str(shots / "app-host-states.png"), full_page=True)

        # The console's state is its URL: Rwanda's four incidents (data/sample/cases.jsonl), drawn as a graph.
        page.goto(served_app + "/console?" + urlencode({"q": CONSOLE_QUERY, "params": '{"origin": "RW"}'}),
                  wait_until="networkidle")
        page.get_by_text("5 nodes and 4 relationships came back").first.wait_for(timeout=60_000)
        page.get_by_text("4 rows").first.wait_for(timeout=60_000)
        drawn = page.frame_locator("iframe").first
        drawn.locator("body[data-stabilised=true]").wait_for(state="attached", timeout=60_000)
        page.screenshot(path=str(shots / "app-console.png"), full_page=True)

        page.goto(served_app + "/explore", wait_until="networkidle")
        search = page.get_by_label("Find an entity", exact=False)
        search.fill("gainjet")
        search.press("Enter")
        page.get_by_text("5 nodes, 6 relationships").first.wait_for(timeout=60_000)
        graph = page.frame_locator("iframe").first
        graph.locator("#mynetwork canvas").wait_for(timeout=60_000)
        graph.locator("body[data-stabilised=true]").wait_for(state="attached", timeout=60_000)
        page.screenshot(path=str(shots / "app-explore.png"), full_page=True)
        browser.close()
    assert "tnr-graph" in body
    assert "Incident\n\n42" in body, body
    remote = {h for h in hosts if h and h not in LOCAL}
    assert remote == set(), f"the pages asked non-local hosts: {remote}"


# Streamlit's own probes when a page other than the first is opened by its URL (streamlit/streamlit#7074):
# the frontend first asks <page>/_stcore/health and <page>/_stcore/host-config (404), then the root (200).
STREAMLIT_PAGE_PROBE = ("/entity/_stcore/health", "/entity/_stcore/host-config")
ROW = 35  # st.dataframe's header and row height, in pixels


def test_entity_pages_from_the_search_and_a_table_link(served_app, tmp_path):
    """NSO Group's and Iran's entity pages opened from the page's search, then a link followed from Iran's
    "abroad" table to the United States' page (a new tab): each renders its values and its graph, with no
    exception, no console error and no request beyond 127.0.0.1. Screenshots: ``app-entity-<name>.png``."""
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("TNR_SCREENSHOTS", tmp_path))
    remote, errors = [], []

    def watch(page):
        page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        context.route("**/*", _local_only(remote))
        page = context.new_page()
        watch(page)
        page.goto(served_app, wait_until="networkidle")
        page.get_by_text("AccountabilityAction").first.wait_for(timeout=60_000)
        _nav(page, "Entity")
        search = page.get_by_label("Find an entity by name", exact=False)
        search.fill("NSO")
        search.press("Enter")
        _idle(page)
        page.get_by_text("FACILITATED →: 4").wait_for(timeout=60_000)
        assert urlparse(page.url).query == "kind=company&id=company-nso-group"
        _graph_frame(page).locator("body[data-stabilised=true]").wait_for(state="attached", timeout=60_000)
        nso = page.inner_text("body")
        page.screenshot(path=str(shots / "app-entity-nso-group.png"), full_page=True)

        search.fill("Iran")
        search.press("Enter")
        _idle(page)
        page.get_by_text("Iran abroad").wait_for(timeout=60_000)
        assert urlparse(page.url).query == "kind=country&id=IR"
        iran = page.inner_text("body")
        page.screenshot(path=str(shots / "app-entity-iran.png"), full_page=True)
        # the "abroad" table (the third), its last row: the United States, a link in the first column
        grid = page.locator('[data-testid="stDataFrame"]').nth(2)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        x, y = box["x"] + 30, box["y"] + ROW * 6 + ROW // 2
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
        with context.expect_page(timeout=30_000) as opened:
            page.mouse.click(x, y)
        us = opened.value
        watch(us)
        us.wait_for_load_state("networkidle")
        us.get_by_text("United States on its soil").wait_for(timeout=60_000)
        assert urlparse(us.url).path == "/entity" and "kind=country&id=US" in us.url
        soil = us.inner_text("body")
        us.screenshot(path=str(shots / "app-entity-united-states.png"), full_page=True)
        browser.close()
    assert "Where this entity comes from" in nso and "SUPPLIED →: 3" in nso and "Timeline" in nso
    assert "← PERPETRATED_BY: 6" in iran
    assert "United States abroad" in soil
    unexpected = [e for e in errors if not any(p in e for p in STREAMLIT_PAGE_PROBE)]
    assert unexpected == [], unexpected
    assert remote == [], remote


def test_reach_map_for_a_state_by_name_and_a_span_of_years(served_app, tmp_path):
    """The Reach page draws its world map and three charts offline (the boundaries inline, nothing fetched),
    takes a state by its name and a span of years from its slider, and keeps both in the URL; no console
    error, no request beyond 127.0.0.1. Screenshots: ``app-reach.png``, ``app-reach-turkiye-2018-2019.png``."""
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("TNR_SCREENSHOTS", tmp_path))
    remote, errors = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1800})
        context.route("**/*", _local_only(remote))
        page = context.new_page()
        page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(served_app, wait_until="networkidle")
        page.get_by_text("AccountabilityAction").first.wait_for(timeout=60_000)
        _nav(page, "Reach")
        page.get_by_text("every state: 42 incidents in 35 flows").wait_for(timeout=60_000)
        charts = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
        charts.nth(3).wait_for(timeout=60_000)  # the map and the three charts are drawn
        _idle(page)
        page.screenshot(path=str(shots / "app-reach.png"), full_page=True)

        state = page.get_by_label("State (a name", exact=False)
        state.fill("Turkey")
        state.press("Enter")
        _idle(page)
        page.get_by_text("Türkiye: 8 incidents in 7 flows").wait_for(timeout=60_000)
        assert parse_qs(urlparse(page.url).query) == {"state": ["TR"]}
        # the years slider runs 2006-2025 (the sample's first and last year): 2018-2019 by its keys
        low, high = page.get_by_role("slider").nth(0), page.get_by_role("slider").nth(1)
        low.focus()
        for _ in range(12):
            low.press("ArrowRight")
        high.focus()
        for _ in range(6):
            high.press("ArrowLeft")
        page.get_by_text("Türkiye: 3 incidents in 3 flows, 2018–2019").wait_for(timeout=60_000)
        _idle(page)
        assert parse_qs(urlparse(page.url).query) == {"state": ["TR"], "year_from": ["2018"], "year_to": ["2019"]}
        charts.nth(3).wait_for(timeout=60_000)
        body = page.inner_text("body")
        page.screenshot(path=str(shots / "app-reach-turkiye-2018-2019.png"), full_page=True)
        browser.close()
    assert "Drawn as a point only" not in body  # MD, IR, SA and TR all have a 1:110m polygon
    assert errors == [], errors
    assert remote == [], remote


# --- Issue 8, findings 3 and 4: a graph full of script, markup and link payloads ------------------------------

# Set by the payloads if any of them ever runs (tests/fixtures/payloads); reported from every frame.
TRAP = """
Object.defineProperty(window, "__pwned", {configurable: false,
    set(v) { console.log("PWNED " + v); }, get() { return undefined; }});
window.alert = window.confirm = window.prompt = function (m) { console.log("PWNED dialog " + m); };
"""
# Elements or attributes that data became, in one frame. A <script>'s own text may hold data as JSON (pyvis's
# vis.DataSet), an <iframe>'s srcdoc is the graph page itself: those two are looked at in their own frame.
MARKUP_FROM_DATA = r"""() => {
    const marker = /__pwned|203\.0\.113\.1|javascript:|onerror|onload/i;
    const bad = [];
    for (const el of document.querySelectorAll("*")) {
        const tag = el.tagName.toLowerCase();
        for (const a of el.attributes) {
            // the graph page itself; and what a text field holds (typed text, as text)
            if (a.name === "srcdoc" || (a.name === "value" && (tag === "input" || tag === "textarea"))) continue;
            if (/^on/i.test(a.name) || marker.test(a.value)) bad.push(`<${el.tagName} ${a.name}="${a.value.slice(0, 80)}">`);
        }
        const text = el.textContent, payload = /__pwned|203\.0\.113\.1/;
        if (tag === "script" && payload.test(text) && !text.includes("new vis.DataSet")) bad.push("<script> " + text);
        if (tag === "style" && payload.test(text)) bad.push("<style> " + text.slice(0, 80));
    }
    return bad;
}"""
# Where every node and edge of the pyvis graph is, in the coordinates of the graph's frame.
GRAPH_POINTS = """() => {
    const box = document.querySelector("#mynetwork canvas").getBoundingClientRect();
    const pos = network.getPositions();
    const dom = (p) => { const d = network.canvasToDOM(p); return {x: d.x + box.left, y: d.y + box.top}; };
    const nodes = network.body.data.nodes.get().map(n => ({kind: "node", id: n.id, title: n.title, ...dom(pos[n.id])}));
    const edges = network.body.data.edges.get().map(e => {
        const a = dom(pos[e.from]), b = dom(pos[e.to]);
        return {kind: "edge", id: e.id, title: e.title, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2};
    });
    return nodes.concat(edges);
}"""
TOOLTIP = """() => { const t = document.querySelector(".vis-tooltip");
    return t ? {text: t.innerText, children: t.children.length, visible: t.style.visibility !== "hidden"} : null; }"""


def _idle(page) -> None:
    """Wait until Streamlit has finished the rerun a click started."""
    page.wait_for_timeout(400)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)
    page.wait_for_timeout(200)


def _choose(page, label_text: str, option: str, index: int = 0) -> None:
    page.get_by_role("combobox").nth(index).click()
    page.get_by_role("option", name=option, exact=True).click()
    _idle(page)


def _nav(page, title: str) -> None:
    """Go to a page through the sidebar, as a reader does (a fresh load of /questions would make the
    frontend probe /questions/_stcore/health first, a 404 that is Streamlit's, not ours)."""
    page.get_by_role("link", name=title, exact=True).first.click()
    _idle(page)


def _pick(page, i: int) -> None:
    """Choose the i-th option of the page's first selectbox."""
    page.keyboard.press("Escape")
    page.mouse.move(5, 5)
    box = page.get_by_role("combobox").first
    box.scroll_into_view_if_needed()
    for _attempt in range(3):
        box.click()
        try:
            page.get_by_role("option").nth(i).click(timeout=5_000)
            break
        except Exception:  # the list did not open (the click closed it): try again
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"option {i} not reachable: {page.inner_text('body')[:1500]}")
    _idle(page)


def _settled_match_count(page) -> int:
    """The number in the picker's "N match(es)" label once two reads 1.5 s apart agree (the rerun that a
    new search started may not have reached the page when Streamlit's status widget is first looked at)."""
    def count() -> int:
        return int(page.get_by_text(" match(es)").first.inner_text().split()[0])

    last = count()
    for _attempt in range(10):
        page.wait_for_timeout(1500)
        _idle(page)
        now = count()
        if now == last:
            return now
        last = now
    raise AssertionError("the match count kept changing")


def _local_only(remote: list):
    """A route handler that lets local requests through and aborts (and records in ``remote``) every other."""
    def route(r):
        if urlparse(r.request.url).hostname in LOCAL or r.request.url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()
    return route


def _graph_frame(page):
    from playwright.sync_api import Error

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame != page.main_frame and frame.evaluate("() => !!document.getElementById('mynetwork')"):
                    return frame
            except Error as e:  # Streamlit replaced the frame while we looked (a rerun): look again
                if "destroyed" not in str(e) and "detached" not in str(e):
                    raise
        page.wait_for_timeout(300)
    raise AssertionError(f"no graph frame: {page.inner_text('body')[:2000]}")


def _touch_every_node_and_edge(page, seen: list) -> int:
    """Hover, then click, every node and edge of the graph; record each tooltip. Returns how many.

    If Streamlit replaces the graph's frame meanwhile (a late rerun), start again on the new one.
    """
    from playwright.sync_api import Error

    for _attempt in range(3):
        frame = _graph_frame(page)
        try:
            frame.locator("body[data-stabilised=true]").wait_for(state="attached", timeout=60_000)
            element = frame.frame_element()
            element.scroll_into_view_if_needed()
            box = element.bounding_box()
            points = frame.evaluate(GRAPH_POINTS)
            touched = []
            for p in points:
                assert 0 <= p["x"] <= box["width"] and 0 <= p["y"] <= box["height"], (p, box)
                x, y = box["x"] + p["x"], box["y"] + p["y"]
                page.mouse.move(x, y)
                page.wait_for_timeout(380)  # vis-network's tooltip delay is 300 ms
                touched.append((p, frame.evaluate(TOOLTIP)))
                page.mouse.click(x, y)
                page.mouse.move(box["x"] + 2, box["y"] + 2)
        except Error as e:
            if "destroyed" not in str(e) and "detached" not in str(e):
                raise
            _idle(page)
            continue
        seen.extend(touched)
        return len(points)
    raise AssertionError("the graph's frame kept changing")


def test_payloads_stay_text_on_every_page_and_in_the_graph(payload_cli, tmp_path):
    """The payload graph through every page, every query, every analysis, the Explore graph of every
    entity that carries a payload and the Console's graph of the payload incidents, hovering and clicking each
    node and edge: no payload runs, none becomes
    an element or attribute, no console error, no request leaves 127.0.0.1. Screenshots: ``$TNR_SCREENSHOTS``
    or tmp_path, ``payloads-<page>.png``."""
    import json

    from playwright.sync_api import sync_playwright

    from graph.analysis import ANALYSES
    from graph.queries import load_library
    from tests.helpers import PAYLOADS

    payloads = json.loads((PAYLOADS / "payloads.json").read_text(encoding="utf-8"))
    shots = Path(os.environ.get("TNR_SCREENSHOTS", tmp_path))
    remote, pwned, errors, markup, tooltips, console_tips = [], [], [], [], [], []

    def check_frames(page, where: str) -> None:
        """Look at every frame; if Streamlit replaces one meanwhile (a rerun), wait and look again."""
        from playwright.sync_api import Error

        for _attempt in range(5):
            try:
                found = [(where, frame.url[:40], m) for frame in page.frames for m in frame.evaluate(MARKUP_FROM_DATA)]
            except Error as e:
                if "destroyed" not in str(e) and "detached" not in str(e):
                    raise
                _idle(page)
                continue
            markup.extend(found)
            return
        raise AssertionError(f"{where}: the frames kept changing")

    with _serve(*payload_cli, tmp_path / "app.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        context.add_init_script(TRAP)
        context.route("**/*", _local_only(remote))
        page = context.new_page()
        page.on("console", lambda m: (pwned if m.text.startswith("PWNED") else errors if m.type == "error" else [])
                .append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("dialog", lambda d: (pwned.append("dialog " + d.message), d.dismiss()))
        page.on("websocket", lambda ws: remote.append(ws.url) if urlparse(ws.url).hostname not in LOCAL else None)

        page.goto(url, wait_until="networkidle")
        page.get_by_text("AccountabilityAction").first.wait_for(timeout=60_000)
        _idle(page)
        check_frames(page, "overview")
        page.screenshot(path=str(shots / "payloads-overview.png"), full_page=True)

        _nav(page, "Questions")
        _idle(page)
        for name in load_library():
            _choose(page, "Question", name.replace("_", " "))
            check_frames(page, f"questions/{name}")
        page.screenshot(path=str(shots / "payloads-questions.png"), full_page=True)

        _nav(page, "Analyses")
        _idle(page)
        for name in ANALYSES:
            _choose(page, "Analysis", name.replace("_", " "))
            if name == "ego_network":
                page.locator('input[aria-label^="entity"]').fill(f"Incident:ref-{payloads['img']}")
            elif name == "paths":
                page.locator('input[aria-label^="source"]').fill("Country:RU")
                page.locator('input[aria-label^="target"]').fill("Country:CN")
            page.get_by_role("button", name="Run").first.click()
            _idle(page)
            check_frames(page, f"analyses/{name}")
        page.screenshot(path=str(shots / "payloads-analyses.png"), full_page=True)

        for title in ("Companies", "Host states", "Reach"):
            _nav(page, title)
            _idle(page)
            check_frames(page, title.lower())
            page.screenshot(path=str(shots / f"payloads-{title.lower().replace(' ', '-')}.png"), full_page=True)

        _nav(page, "Explore")
        search = page.get_by_label("Find an entity", exact=False)
        touched = 0
        for term in ("ref-", "pixel", "rich", "cmd", "1+1", "script", "osc8", "Agency"):
            search.fill(term)
            search.press("Enter")
            _idle(page)
            n = _settled_match_count(page)
            for i in range(n):
                _pick(page, i)
                check_frames(page, f"explore/{term}/{i}")
                touched += _touch_every_node_and_edge(page, tooltips)
                check_frames(page, f"explore/{term}/{i} after hovering")
        # the caption names the last entity, its markdown image syntax shown as text (and a word joiner in "://")
        captions = " ".join(page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
        page.screenshot(path=str(shots / "payloads-explore.png"), full_page=True)

        _nav(page, "Console")  # the payload incidents and their neighbours, as a table and a graph
        page.get_by_label("Cypher").fill("MATCH (n:Incident)-[r]-(m) RETURN n, r, m, n.summary AS summary, "
                                         "m.name AS name ORDER BY n.id, name LIMIT 20")
        page.get_by_role("button", name="Run").first.click()
        page.get_by_text("relationships came back").first.wait_for(timeout=60_000)
        _idle(page)
        check_frames(page, "console")
        console_touched = _touch_every_node_and_edge(page, console_tips)
        check_frames(page, "console after hovering")
        page.screenshot(path=str(shots / "payloads-console.png"), full_page=True)
        browser.close()

    shown = [t for _, t in tooltips if t and t["visible"]]
    (shots / "payloads-summary.json").write_text(json.dumps({
        "payloads": len(payloads), "queries": len(load_library()), "analyses": len(ANALYSES),
        "graph_items_hovered_and_clicked": touched, "tooltips_shown": len(shown), "console_graph_items": console_touched,
        "script_runs": pwned,
        "markup_from_data": markup, "console_errors": errors, "remote_requests": remote}, indent=1))
    assert pwned == [], pwned
    assert markup == [], sorted({m for _, _, m in markup})[:20]
    assert errors == [], errors[:10]
    assert remote == [], remote[:10]
    assert f"Agency {payloads['md_image']}" in captions.replace("\u2060", ""), captions
    assert all(t["children"] == 0 for t in shown), "a tooltip holds elements"
    assert console_touched >= 20 and all(t["children"] == 0 for _, t in console_tips if t and t["visible"])
    titles = {p["title"] for p, t in tooltips if t and t["visible"] and t["text"] == p["title"]}
    assert f"Incident: ref-{payloads['img']}".replace("href", "h\u2060ref") in titles
    assert touched >= 40 and len(shown) >= touched * 0.8, (touched, len(shown))


# The path's relationships as the graph's frame holds them (graph.view.PATH_COLOUR).
PATH_EDGES = """() => network.body.data.edges.get().filter(e => e.color === "#d62728").map(e => e.from + " " + e.to)"""


def test_explore_filters_by_year_expands_a_node_and_draws_a_path(served_app, tmp_path):
    """On Explore, as a reader: Rwanda's graph, the years narrowed from 2015 with the keyboard (ref-0002 and
    ref-0004 go: 9 of 9 nodes), NSO Group chosen in the node panel and expanded (its 9 neighbours from 2015
    on: 18 nodes), a path drawn to Israel (Rwanda <-SUPPLIED- NSO Group -HEADQUARTERED_IN-> Israel, its two
    relationships in the path colour), each state in the URL; no exception, no console error, no request
    beyond 127.0.0.1. Screenshot: ``app-explore-steered.png``."""
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("TNR_SCREENSHOTS", tmp_path))
    remote, errors = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        context.route("**/*", _local_only(remote))
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(served_app, wait_until="networkidle")
        page.get_by_text("AccountabilityAction").first.wait_for(timeout=60_000)
        _nav(page, "Explore")
        search = page.get_by_label("Find an entity", exact=False)
        search.fill("Rwanda")
        search.press("Enter")
        _idle(page)
        page.get_by_text("Showing 11 of 11 nodes").first.wait_for(timeout=60_000)

        page.get_by_text("Filters").first.click()
        _idle(page)
        start = page.get_by_role("slider", name="Years (undated nodes and relationships stay) — start")
        start.focus()
        for _ in range(2015 - int(start.get_attribute("aria-valuemin") or 2006)):
            start.press("ArrowRight")
        _idle(page)
        page.get_by_text("Showing 9 of 9 nodes").first.wait_for(timeout=60_000)
        page.wait_for_url(re.compile(r"years=2015-"), timeout=30_000)  # the filter is in the URL

        page.get_by_role("combobox", name="Node", exact=True).click()
        page.get_by_role("option", name="NSO Group (Company)", exact=True).click()
        _idle(page)
        page.get_by_role("button", name="Expand: add its neighbours").click()
        _idle(page)
        page.get_by_text("Showing 18 of 18 nodes").first.wait_for(timeout=60_000)
        page.wait_for_url(re.compile(r"expand=Company%3Acompany-nso-group"), timeout=30_000)

        target = page.get_by_label("Draw a path to", exact=False)
        target.fill("Israel")
        target.press("Enter")
        _idle(page)
        page.get_by_text("Path (highlighted): Rwanda → NSO Group → Israel").first.wait_for(timeout=60_000)
        frame = _graph_frame(page)
        frame.locator("body[data-stabilised=true]").wait_for(state="attached", timeout=60_000)
        path_edges = sorted(frame.evaluate(PATH_EDGES))
        page.wait_for_url(re.compile(r"path=Country%3AIL"), timeout=30_000)
        page.screenshot(path=str(shots / "app-explore-steered.png"), full_page=True)
        browser.close()
    assert path_edges == ["Company:company-nso-group Country:IL", "Company:company-nso-group Country:RW"]
    assert errors == [], errors
    assert remote == [], remote
