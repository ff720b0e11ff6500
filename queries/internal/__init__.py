"""Queries the library runs for itself (ingest, analyses), with the same header as the named queries.

They are not part of ``tnr queries``: each serves one piece of code, named in its description. Queries
whose labels or types come from the schema (one per label or relationship triple: graph/store/,
graph/analysis/subgraph.py) are built in code from schema names instead, and say so there.
"""
