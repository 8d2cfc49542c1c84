"""Lumbung: a platform for keeping, judging and replicating public-service innovations."""

__version__ = "0.1.0"
