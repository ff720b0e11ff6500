"""The named query library: ``*.cypher`` files with a YAML metadata header, read by :mod:`graph.queries`.

This package holds data only; it is a package so that the files ship in the wheel and are found
through :mod:`importlib.resources`.
"""
