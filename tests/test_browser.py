"""The served app in Debian's chromium: every page renders the sample and asks no host but localhost."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import IN_CI, ROOT, stop_process_group

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


@pytest.fixture()
def served_app(sample_cli, tmp_path):
    """The app served by `tnr app` on a free loopback port, over the sample on each backend."""
    args, env = sample_cli
    port = _free_port()
    log = (tmp_path / "app.log").open("w")
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
        pytest.fail(f"app did not start: {(tmp_path / 'app.log').read_text()}")
    yield url
    stop_process_group(proc)  # `tnr app` and the Streamlit server it started


def test_app_renders_the_sample_and_stays_local(served_app, tmp_path):
    """Every page renders (the Explore page draws GainJet's ego network) and no request leaves the machine.

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
        page.get_by_text("origin: ISO2 of one origin state").wait_for(timeout=60_000)  # the form of reach
        page.get_by_role("button", name="Run").first.click()
        page.get_by_text("Download JSON").first.wait_for(timeout=60_000)
        page.screenshot(path=str(shots / "app-analyses.png"), full_page=True)

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
