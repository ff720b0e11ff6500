"""The app's entry point: page config, title and navigation. ``tnr app`` serves this file from the
installed package; ``app.py`` at the top of the checkout calls :func:`main` for ``streamlit run app.py``.

Streamlit runs the entry script as ``__main__`` on every rerun, hence the guard at the bottom.
"""

from __future__ import annotations

from importlib.resources import files

import streamlit as st

PAGES = [
    ("overview.py", "Overview"),
    ("questions.py", "Questions"),
    ("analyses.py", "Analyses"),
    ("explore.py", "Explore"),
    ("companies.py", "Companies"),
    ("host_states.py", "Host states"),
    ("reach.py", "Reach"),
    ("entity.py", "Entity"),
    ("console.py", "Console"),
]


def page_path(file_name: str) -> str:
    """The absolute path of a page file, wherever the package is installed."""
    return str(files("app_pages") / file_name)


def main() -> None:
    st.set_page_config(page_title="tnr-graph", layout="wide")
    st.title("tnr-graph")
    st.caption("Transnational repression: who reaches across borders, who helps, and who is held to account.")
    st.navigation([st.Page(page_path(f), title=title, default=i == 0) for i, (f, title) in enumerate(PAGES)]).run()


if __name__ == "__main__":
    main()
