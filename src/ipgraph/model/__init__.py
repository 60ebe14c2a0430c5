"""The graph's model: the closed namespace, identifiers, periods, and fact blocks turned into RDF in named graphs."""
