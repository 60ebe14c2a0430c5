"""ipgraph: a knowledge graph of intellectual-property cases and trends, built from procuratorial reports."""

from __future__ import annotations

__version__ = "0.1.0"
