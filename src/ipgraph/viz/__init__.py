"""``ipgraph viz``: interactive graph pages and static charts of the built graph, for reading offline.

- :mod:`ipgraph.viz.views` selects each view from the store with SPARQL;
- :mod:`ipgraph.viz.layout` lays it out with networkx (physics off in the browser);
- :mod:`ipgraph.viz.page` writes one self-contained HTML file with vis-network (from pyvis) inlined;
- :mod:`ipgraph.viz.charts` draws the charts as SVG (PNG through headless Chromium) and the overview page;
- :mod:`ipgraph.viz.headless` drives headless Chromium over the DevTools protocol (screenshots, tests,
benchmark).

This module stays light: the command line imports it to register the verb.
"""

from __future__ import annotations

from ipgraph.viz.cli import add_parser

__all__ = ["add_parser"]
