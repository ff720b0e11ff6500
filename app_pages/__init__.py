"""The Streamlit app's pages (one file per page) and its entry point, :mod:`app_pages.main`."""
