"""``python -m ipgraph``: the same command line as ``ipgraph``."""

import sys

from ipgraph.cli import main

if __name__ == "__main__":
    sys.exit(main())
