"""Trends and the report's arithmetic: implied prior-year values with bounds, and generated consistency checks."""
