"""Linking ipgraph with other legal datasets: judgment records, charge lists, any RDF dataset, Wikidata."""
