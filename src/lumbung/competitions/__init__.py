"""Competitions: rounds, entries, judging and results (issue 11)."""
