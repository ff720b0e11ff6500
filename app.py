"""tnr-graph in the browser: a thin multipage Streamlit app over the library.

Serve it with ``tnr app`` (``app_pages/serve.py``: only requests to its own address are answered); this
file is for Streamlit's test harness (``AppTest.from_file("app.py")``) and local development.

Every number, table and graph comes from ``graph.store``, ``graph.queries``, ``graph.analysis`` and
``graph.view``; the pages in ``app_pages/`` only lay them out (``app_pages/main.py`` holds the navigation,
and is what ``tnr app`` serves from an installed package). The app fetches nothing from any host but
its own.
"""

from app_pages.main import main

main()
