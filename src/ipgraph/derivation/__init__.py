"""Trends and arithmetic: prior-year values implied by growth rates, sums, shares, and the consistency checks within
and across reports.
"""
