"""Serve the app (``tnr app``) on one loopback address, answering only requests made to that address.

Streamlit's own ``server.allowedHosts`` checks the websocket only and ignores the port, so the app runs
as an ``st.App`` (Streamlit on Starlette and uvicorn, in this process) behind :class:`OwnHostOnly`: every
HTTP request and websocket whose ``Host`` header is not ``127.0.0.1:PORT`` or ``localhost:PORT`` gets a
plain 403. A page from another origin whose name resolves to 127.0.0.1 (DNS rebinding) sends its own
name as Host, so it is refused. XSRF protection stays on (Streamlit's default).

The server is this process: SIGTERM or SIGINT (uvicorn's handlers) stops it, and nothing is left behind.
"""

from __future__ import annotations

import sys

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app_pages.main import page_path

ADDRESS = "127.0.0.1"
REFUSED = "This tnr-graph app answers only requests to its own address ({hosts}).\n"


def own_hosts(address: str, port: int) -> set[str]:
    """The ``Host`` header values a browser sends to the app at ``address:port``.

    >>> sorted(own_hosts("127.0.0.1", 8501))
    ['127.0.0.1:8501', 'localhost:8501']
    """
    hosts = {f"{address}:{port}"}
    if address in ("127.0.0.1", "localhost"):
        hosts |= {f"127.0.0.1:{port}", f"localhost:{port}"}
    return hosts


class OwnHostOnly:
    """ASGI middleware: HTTP and websocket requests whose Host is not the bound address:port get a 403.

    The port is read from Streamlit's config on each request (``server.port``), so it is the bound one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            from streamlit import config

            hosts = own_hosts(config.get_option("server.address") or ADDRESS, int(config.get_option("server.port")))
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "").lower()
            if host not in hosts:
                # For a websocket, Starlette sends this as the handshake's HTTP denial response.
                await PlainTextResponse(REFUSED.format(hosts=", ".join(sorted(hosts))), status_code=403)(
                    scope, receive, send)
                return
        await self.app(scope, receive, send)


def serve(port: int) -> None:
    """Serve the app's pages on ``127.0.0.1:port`` until SIGTERM or SIGINT (blocks)."""
    import streamlit as st
    from starlette.middleware import Middleware

    entry = page_path("main.py")
    # st.App.run takes sys.argv[0] as the launcher script: its folder joins sys.path and holds the config.
    sys.argv = [entry]
    st.App(entry, middleware=[Middleware(OwnHostOnly)]).run(config={
        "server.address": ADDRESS, "server.port": port, "server.headless": True,
        "server.enableXsrfProtection": True, "server.allowedHosts": ["127.0.0.1", "localhost"],
        "browser.gatherUsageStats": False, "browser.serverAddress": ADDRESS, "client.toolbarMode": "minimal"})
