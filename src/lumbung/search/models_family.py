"""Families of innovations: an original with its replicas (lineage) and its near-duplicates (texts
that repeat it), kept at index time by :mod:`lumbung.search.families`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FamilyMember(models.Model):
    """An indexed innovation's family, quality prior and MinHash signature."""

    innovation = models.OneToOneField(
        "catalog.Innovation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="family_member",
    )
    #: the family's key: the smallest innovation id among its members when it was formed
    family_id = models.BigIntegerField()  # indexed by search_family_head_idx (first column)
    #: how much the catalog's own facts say the innovation is worth copying, 0..1
    prior = models.FloatField(default=0.0)
    #: MinHash signature of the problem and solution text (empty: too short to compare)
    signature = models.BinaryField(blank=True, default=b"")
    #: the innovation's source when it was placed (a change of lineage means placing it again)
    source_id = models.BigIntegerField(null=True, blank=True)
    #: published (visible to everyone): heads and counts for readers without filters are read
    #: from this table alone
    published = models.BooleanField(default=False)
    #: the prior, plus ``FIRST_RECORD_BONUS`` for the family's earliest record (the member whose
    #: id is the family's): the order in which a family's head is chosen
    worth = models.FloatField(default=0.0)
    #: it joined its family as a near-copy of its text (not by lineage only, nor as its first)
    lookalike = models.BooleanField(default=False)
    #: search ranks it (kept by ``families.settle``): its family's public head (the published
    #: member with the highest worth) or a published member with a text of its own — not a
    #: look-alike, whose words are its family's
    ranked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        indexes = [
            models.Index(fields=["family_id", "published", "worth"], name="search_family_head_idx"),
            models.Index(
                fields=["innovation_id"],
                condition=models.Q(ranked=True),
                name="search_family_ranked",
            ),
        ]

    def __str__(self) -> str:
        return f"innovation {self.pk} in family {self.family_id}"


class FamilySize(models.Model):
    """How many published members a family has: kept by triggers on ``search_familymember``
    (migration ``0008_family_size``), in the same transaction as every write to it — the
    families' own code, a rebuild, and the rows a deleted catalog record takes with it alike.
    Search reads a family's size here in one index step, whatever its size (counting a family of
    65,000 look-alikes cost 7 ms per page). A family without a published member has no row."""

    family_id = models.BigIntegerField(primary_key=True)
    published = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("family size")
        verbose_name_plural = _("family sizes")

    def __str__(self) -> str:
        return f"family {self.family_id}: {self.published} published"


class FamilyBand(models.Model):
    """One locality-sensitive-hashing band of a signature: innovations sharing a band key are
    candidate near-duplicates (then compared on the whole signature)."""

    innovation_id = models.BigIntegerField(db_index=True)
    key = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("family band")
        verbose_name_plural = _("family bands")

    def __str__(self) -> str:
        return f"band {self.key} of innovation {self.innovation_id}"
