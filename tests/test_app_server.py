"""Issue 8, finding 6 (and issue 9): `tnr app` answers only requests to its own address, and ends on SIGTERM.

A real server (``tnr app`` in a child process) and real HTTP requests, with forged Host headers.
"""

from __future__ import annotations

import base64
import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT, _free_port


def _get(port: int, path: str, host: str, headers: dict | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _websocket_handshake(port: int, host: str) -> str:
    """The status line the server answers to a websocket upgrade of /_stcore/stream."""
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Origin: http://{host}\r\n\r\n").encode())
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


@pytest.fixture()
def app_server(sample_db, tmp_path):
    """`tnr app` over the sample (embedded) on a free port: (port, process)."""
    port = _free_port()
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "app", "--db", str(sample_db), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if _get(port, "/_stcore/health", f"127.0.0.1:{port}")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"app did not start: {(tmp_path / 'app.log').read_text()}")
        time.sleep(0.3)
    yield port, proc
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_app_refuses_other_hosts_over_http_and_websocket(app_server):
    port, _ = app_server
    for own in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert _get(port, "/", own)[0] == 200
        assert _get(port, "/_stcore/health", own) == (200, "ok")
        assert _websocket_handshake(port, own).startswith("HTTP/1.1 101"), own
    # DNS rebinding: a page of attacker.example, whose name now resolves to 127.0.0.1, sends its own Host
    for forged in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1:{port + 1}", "127.0.0.1",
                   f"127.0.0.1.attacker.example:{port}", f"localhost.:{port}", ""):
        status, body = _get(port, "/", forged)
        assert status == 403, (forged, status)
        assert body.startswith("This tnr-graph app answers only requests to its own address"), body
        assert body.isprintable() or body.endswith("\n")  # a plain message, no page
        assert _get(port, "/_stcore/health", forged)[0] == 403
        assert _get(port, "/media/x.csv", forged)[0] == 403
        assert _websocket_handshake(port, forged).startswith("HTTP/1.1 403"), forged


def test_app_keeps_xsrf_protection(app_server):
    """Streamlit's XSRF cookie is still set (by its health route): its protection is on."""
    port, _ = app_server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/_stcore/health", headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    response.read()
    conn.close()
    cookies = " ".join(v for k, v in response.getheaders() if k.lower() == "set-cookie")
    assert "_streamlit_xsrf" in cookies, response.getheaders()


def test_sigterm_ends_the_app_and_its_server(app_server):
    port, proc = app_server
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=5)
    # nothing is left listening, and no process of the app's session remains
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
