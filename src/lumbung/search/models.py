"""The search index: one analysed document per innovation, and the index's vocabulary.

The back-end structures (an FTS5 table kept in step by triggers on SQLite; on PostgreSQL,
GIN-indexed ``tsvector`` columns in two narrow tables kept in step by triggers, ``SearchHead`` and
``SearchMatch``) are created by vendor-guarded migrations (``0002_backends``, ``0003_head``,
``0009_match``); they follow this table inside the same transaction.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: The analysed field groups, their FTS5 column order and PostgreSQL weights (A..D).
FIELD_GROUPS = ("name", "summary", "body", "meta")


class SearchDocument(models.Model):
    """An innovation's analysed text (space-separated index terms) in four weighted groups."""

    innovation = models.OneToOneField(
        "catalog.Innovation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    name = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    meta = models.TextField(blank=True)
    name_len = models.PositiveIntegerField(default=0)
    summary_len = models.PositiveIntegerField(default=0)
    body_len = models.PositiveIntegerField(default=0)
    meta_len = models.PositiveIntegerField(default=0)
    #: the innovation's own acronym as one term, and its expansion's terms (learned acronyms)
    acronym = models.CharField(max_length=64, blank=True, db_index=True)
    expansion = models.CharField(max_length=255, blank=True, db_index=True)
    analyzer_version = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document {self.pk}"

    def field_terms(self, group: str) -> list[str]:
        return getattr(self, group).split()


class SearchHead(models.Model):
    """PostgreSQL only: each document's name terms (name, acronym, expansion) in a narrow table with
    its own GIN index (column ``tsv``, added by migration 0003), kept in step by a trigger on
    ``search_searchdocument``. Queries of very common words rank this first tier instead of every
    full document (see ``backends.postgres``). Empty on SQLite, where FTS5 needs no tier."""

    innovation_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("search head")
        verbose_name_plural = _("search heads")

    def __str__(self) -> str:
        return f"search head {self.pk}"


class SearchMatch(models.Model):
    """PostgreSQL only: each document's whole vector (the four groups, weighted A–D) in a narrow
    table with its own GIN index (column ``tsv``, added by migration 0009), kept in step by a
    trigger on ``search_searchdocument``. Every statement that finds or ranks a document's full
    text reads this table: about half the pages of the documents themselves, so a national
    catalog's vectors stay in the server's memory. Empty on SQLite (FTS5)."""

    innovation_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("search match")
        verbose_name_plural = _("search matches")

    def __str__(self) -> str:
        return f"search match {self.pk}"


class SearchTerm(models.Model):
    """A term of the index and how many documents hold it (for ranking and typo correction)."""

    term = models.CharField(max_length=64, primary_key=True)
    df = models.IntegerField(default=0)
    #: how many documents hold the term in their name group (per-field statistics: a word
    #: found in many names, such as "layanan", weighs little in the name field)
    name_df = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.term


# optional semantic matching: registered with this app, defined in its own module
from .models_family import FamilyBand, FamilyMember, FamilySize  # noqa: E402, F401
from .models_semantic import SemanticVector  # noqa: E402, F401
