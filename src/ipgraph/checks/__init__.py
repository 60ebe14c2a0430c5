"""Checks of the graph: SHACL shapes, health (violation) queries, the Data Cube integrity constraints, OWL
consistency, and coverage of the source texts.
"""
