from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from tree_queries.fields import TreeNodeForeignKey
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet


class Region(models.Model):
    """A region with its official Kemendagri code: province ``33``, regency or city ``33.23``."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        REGENCY = "regency", _("regency")
        CITY = "city", _("city")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("province"),
    )
    is_3t = models.BooleanField(
        _("3T region"),
        default=False,
        help_text=_(
            "Frontier, outermost or underdeveloped (terdepan, terluar, tertinggal): "
            "competition results report their balance."
        ),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def province_name(self) -> str:
        """The province's name (the region's own for a province)."""
        if self.level == self.Level.PROVINCE or self.parent is None:
            return self.name
        return self.parent.name


class Agency(models.Model):
    """An institution that owns units, people and innovations (instansi)."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("non-ministerial agency")
        PROVINCE = "province", _("provincial government")
        REGENCY = "regency", _("regency government")
        CITY = "city", _("city government")
        STATE_ENTERPRISE = "state_enterprise", _("state or regional enterprise")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("region"),
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(TreeNode):
    """A unit of an agency (satuan kerja, UPT, sentra, dinas, puskesmas …), kept as a tree.

    The tree is the ``parent`` column alone (an adjacency list, via django-tree-queries): subtrees
    and ancestors are computed by recursive queries, so nothing denormalised can fall out of step,
    whoever writes a unit (pages, API, import, admin, a migration). A unit's parent belongs to the
    same agency (checked in :meth:`clean`); subtree queries are confined to one agency anyway.
    """

    class Kind(models.TextChoices):
        SECRETARIAT = "secretariat", _("secretariat / bureau")
        DIRECTORATE_GENERAL = "directorate_general", _("directorate-general")
        DIRECTORATE = "directorate", _("directorate")
        CENTRE = "centre", _("centre (pusat)")
        SENTRA = "sentra", _("sentra / balai / UPT")
        DINAS = "dinas", _("regional office (dinas / badan)")
        PUSKESMAS = "puskesmas", _("community health centre (puskesmas)")
        HOSPITAL = "hospital", _("hospital")
        SCHOOL = "school", _("school")
        DISTRICT = "district", _("district or village office")
        OTHER = "other", _("other unit")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="units", verbose_name=_("agency")
    )
    parent = TreeNodeForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=250)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("region"),
    )
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Marks records made up or not verified for the demo."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TreeQuerySet.as_manager()
    if TYPE_CHECKING:
        # django-tree-queries has no type hints, so the manager above is opaque to the type
        # checker; what it is for the relations that reach units (``agency.units``,
        # ``region.units``): a manager of units.
        _default_manager: ClassVar[models.Manager[Unit]]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency__name", "name"]
        indexes = [
            # an agency's top units (parent null) or a unit's children, by name, a page at a
            # time, and the number of children of each unit of a page: read from the index,
            # whatever the size of the agency (the agency and unit pages)
            models.Index(fields=["agency", "parent", "name"], name="unit_agency_parent_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agency", "slug"], name="unit_slug_unique_in_agency"),
            models.UniqueConstraint(
                Lower("name"),
                "agency",
                name="unit_name_unique_in_agency",
                violation_error_message=_("A unit with this name is already in this agency."),
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="unit_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.parent_id is not None and self.agency_id is not None:
            parent_agency = (
                Unit.objects.filter(pk=self.parent_id).values_list("agency_id", flat=True).first()
            )
            if parent_agency != self.agency_id:
                raise ValidationError(
                    {"parent": _("The parent unit must belong to the same agency.")}
                )
        super().clean()  # refuses loops (a unit below itself)

    @property
    def depth(self) -> int:
        """Depth in the tree (0 for a top unit) when loaded with tree fields, else 0."""
        return int(getattr(self, "tree_depth", 0) or 0)


class Partner(models.Model):
    """A supporter of innovations and replicas: CSR company, NGO, university, community group."""

    class Kind(models.TextChoices):
        CSR = "csr", _("company (CSR)")
        NGO = "ngo", _("non-governmental organisation")
        UNIVERSITY = "university", _("university")
        COMMUNITY = "community", _("community group")
        OTHER = "other", _("other partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
        verbose_name=_("region"),
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Marks records made up for the demo, not facts about a real organisation."),
    )
    added_by_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partners_added",
        verbose_name=_("recorded by agency"),
        help_text=_("The agency whose innovation admins keep this partner's details up to date."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles come from memberships; platform admins are superusers."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        blank=True,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # set_password() keeps the new raw password until the save: when an existing person's
        # password changes (their own change, a reset link, an admin, a command), every API
        # token they have stops working (core.http.tokens; each revocation audited)
        password_changed = self.pk is not None and getattr(self, "_password", None) is not None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_changed:
                from lumbung.core.http.tokens import tokens_revoke_for_password_change

                tokens_revoke_for_password_change(user=self)


class Role(models.TextChoices):
    AGENCY_ADMIN = "agency_admin", _("agency innovation admin")
    UNIT_OFFICER = "unit_officer", _("unit innovation officer")
    FACILITATOR = "facilitator", _("facilitator")
    PROGRAMME_MANAGER = "programme_manager", _("programme manager")
    JUDGE = "judge", _("judge")
    VIEWER = "viewer", _("viewer")


#: Roles that act on one unit (and the units under it) rather than on a whole agency.
UNIT_ROLES = {Role.UNIT_OFFICER}


class Membership(models.Model):
    """Gives a person a role in an agency, or in one unit of it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency")
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=models.Q(unit__isnull=True),
                name="membership_unique_agency",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=models.Q(unit__isnull=False),
                name="membership_unique_unit",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.agency
        return f"{self.user} — {self.get_role_display()} — {where}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.role in UNIT_ROLES and not self.unit_id:
            raise ValidationError({"unit": _("This role needs a unit.")})
        if self.unit_id and self.agency_id:
            unit = self.unit  # set: a unit id always loads its unit (or raises)
            if unit is not None and unit.agency_id != self.agency_id:
                raise ValidationError({"unit": _("The unit must belong to the chosen agency.")})
