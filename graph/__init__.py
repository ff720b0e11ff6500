"""tnr-graph: a knowledge graph of transnational repression."""

__version__ = "0.1.0"
