"""Outcomes: indicators, measurements, and each replica compared with its original."""
