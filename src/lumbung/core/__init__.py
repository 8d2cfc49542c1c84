"""Shared foundations: the permission registry, the audit history and small helpers."""
