"""Asking the graph: the query catalog, result rendering, terminal tables and `ipgraph describe`."""
