"""Reads of organisations shared by pages, API and reports."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lumbung.core.actors import ActorLike
from lumbung.core.models import AuditEntry

from .holdings import holdings
from .models import Agency, Membership, Partner, Region, Role, Unit, User
from .policies import people as people_policy


def agency_list(*, kind: str | None = None, region: str | None = None) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("name")


def in_tree_order(qs: QuerySet[Unit], *, agency: Agency | int | None = None) -> QuerySet[Unit]:
    """Units depth first (each unit after its parent, siblings by name), with ``tree_depth``.
    Naming the agency confines the recursive query to its units (much less work)."""
    tree = qs.with_tree_fields().order_siblings_by("name")  # type: ignore[attr-defined]
    if agency is not None:
        tree = tree.tree_filter(agency=agency)
    return tree


def unit_list(*, agency: Agency | int | None = None, kind: str | None = None) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("agency", "region", "parent")
    if agency is not None:
        qs = in_tree_order(qs.filter(agency=agency), agency=agency)
    else:  # every agency's tree, agency by agency
        qs = in_tree_order(qs).order_by("agency__name", "tree_ordering")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def units_under(unit: Unit, *, kinds: Iterable[str] = ()) -> QuerySet[Unit]:
    """The unit and every unit below it (in its own agency), optionally only of ``kinds`` —
    e.g. every sentra under a directorate-general. Depth first."""
    qs = (
        Unit.objects.with_tree_fields()
        .tree_filter(agency_id=unit.agency_id)
        .filter(tree_path__contains=unit.pk)
        .order_siblings_by("name")
    )
    kinds = [k for k in kinds if k]
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


#: how far up :func:`lineage` climbs: deeper than any real tree, and the end of a loop
LINEAGE_MAX_DEPTH = 32


def top_units(agency: Agency) -> QuerySet[Unit]:
    """The agency's units at the top of its tree (no parent), by name. Not the tree below them:
    an agency may have tens of thousands of units, so its page lists these, a page at a time."""
    return Unit.objects.filter(agency=agency, parent__isnull=True).order_by("name", "pk")


def child_units(unit: Unit) -> QuerySet[Unit]:
    """The units directly under ``unit`` (in its agency), by name; not their subtrees."""
    return Unit.objects.filter(agency_id=unit.agency_id, parent=unit).order_by("name", "pk")


#: The most words of a unit search that are used (each narrows the search).
UNIT_SEARCH_WORDS = 8


def units_matching(qs: QuerySet[Unit], q: str) -> QuerySet[Unit]:
    """The units of ``qs`` whose name or short name contains every word of ``q``
    (case-insensitive; "sentra bandung" finds "Sentra Wyata Guna Bandung")."""
    for word in q.split()[:UNIT_SEARCH_WORDS]:
        qs = qs.filter(models.Q(name__icontains=word) | models.Q(short_name__icontains=word))
    return qs


def unit_search(agency: Agency, q: str) -> QuerySet[Unit]:
    """The agency's units matching every word of ``q`` (:func:`units_matching`), by name, each
    with its parent (to tell apart units of similar names)."""
    qs = units_matching(Unit.objects.filter(agency=agency), q)
    return qs.select_related("parent").order_by("name", "pk")


def with_unit_counts(units: Iterable[Unit]) -> list[Unit]:
    """The units, each given ``child_count`` (units directly under it, in its agency) and
    ``published_count`` (its own published innovations), in one query whatever their number.

    Meant for one page of a list, after it is cut: annotating the list before paginating would
    make the database count for every unit of the list, not only the page's."""
    units = list(units)
    if not units:
        return units
    children = (
        Unit.objects.filter(parent=OuterRef("pk"), agency=OuterRef("agency"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counted = (
        holdings()
        .count_for_units(Unit.objects.filter(pk__in=[u.pk for u in units]))
        .annotate(child_count=Coalesce(Subquery(children), 0))
        .order_by()
        .values_list("pk", "child_count", "published_count")
    )
    counts = {pk: (child_count, published) for pk, child_count, published in counted}
    for unit in units:
        unit.child_count, unit.published_count = counts.get(unit.pk, (0, 0))
    return units


def lineage(unit: Unit) -> list[Unit]:
    """The units above ``unit`` in its agency, from the top of the tree down to its parent.

    One recursive query that climbs from the unit through its parents only (as many rows as the
    unit is deep), rather than computing the whole tree to find them. It stops at a parent in
    another agency, and a loop in the tree ends at the first unit met twice."""
    if unit.parent_id is None:
        return []
    table = connection.ops.quote_name(Unit._meta.db_table)
    sql = f"""
        WITH RECURSIVE up (id, parent_id, depth) AS (
            SELECT id, parent_id, 1 FROM {table} WHERE id = %s AND agency_id = %s
            UNION ALL
            SELECT u.id, u.parent_id, up.depth + 1 FROM {table} u JOIN up ON u.id = up.parent_id
            WHERE u.agency_id = %s AND up.depth < %s
        )
        SELECT u.* FROM {table} u JOIN up ON u.id = up.id ORDER BY up.depth
    """  # only the table's name (quoted) is formatted in; every value is a parameter
    params = [unit.parent_id, unit.agency_id, unit.agency_id, LINEAGE_MAX_DEPTH]
    above: list[Unit] = []
    seen = {unit.pk}
    for parent in Unit.objects.raw(sql, params):
        if parent.pk in seen:
            break
        seen.add(parent.pk)
        above.append(parent)
    return above[::-1]


def partner_list(*, kind: str | None = None) -> QuerySet[Partner]:
    qs = Partner.objects.select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def region_list(*, level: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("agency", "unit")
        .order_by("agency__name", "role")
    )


def agency_admins(agency_id: int) -> QuerySet[User]:
    """The active innovation admins of an agency (agency-wide memberships)."""
    return User.objects.filter(
        is_active=True,
        memberships__agency_id=agency_id,
        memberships__unit__isnull=True,
        memberships__role=Role.AGENCY_ADMIN,
    ).distinct()


def people_for(actor: ActorLike, *, agency_slug: str = "", q: str = "") -> QuerySet[User]:
    """The people this person may manage: those holding a role in their agencies (platform
    admins: everyone), optionally of one agency and matching a name, user name or e-mail."""
    qs = people_policy.filter(actor, "deactivate", User.objects.order_by("username"))
    if agency_slug:
        qs = qs.filter(pk__in=Membership.objects.filter(agency__slug=agency_slug).values("user_id"))
    if q.strip():
        words = q.strip()
        qs = qs.filter(
            models.Q(username__icontains=words)
            | models.Q(display_name__icontains=words)
            | models.Q(email__icontains=words)
        )
    return qs


# --- management: what an agency's innovation admins work with --------------------------------


def administered_agencies(actor: ActorLike) -> QuerySet[Agency]:
    """The agencies this person administers (platform admins: every agency), by name."""
    from lumbung.core.policies import permitted

    qs = Agency.objects.select_related("region").order_by("name")
    return permitted(actor, "agency.administer", qs)


def unit_level(agency: Agency, parent: Unit | None, *, q: str = "") -> QuerySet[Unit]:
    """One level of an agency's tree — the units directly under ``parent`` (the top units when
    None) — or, with ``q``, :func:`unit_search`. By name; never the whole tree (give a page of it
    :func:`with_unit_counts`)."""
    if q.split():
        qs = unit_search(agency, q)
    elif parent is None:
        qs = top_units(agency)
    else:
        qs = child_units(parent)
    return qs.select_related("region", "parent")


def agency_people(agency: Agency, *, q: str = "") -> QuerySet[User]:
    """The people holding a role in ``agency``, each with ``roles_here`` (their memberships in
    it, units loaded), by name; optionally matching a name, user name or e-mail."""
    here = Membership.objects.filter(agency=agency).select_related("unit").order_by("role")
    qs = (
        User.objects.filter(pk__in=Membership.objects.filter(agency=agency).values("user_id"))
        .prefetch_related(models.Prefetch("memberships", queryset=here, to_attr="roles_here"))
        .order_by("display_name", "username")
    )
    words = q.strip()
    if words:
        qs = qs.filter(
            models.Q(username__icontains=words)
            | models.Q(display_name__icontains=words)
            | models.Q(email__icontains=words)
        )
    return qs


#: The audit actions of a person's account and roles, as the history shows them.
PERSON_HISTORY_ACTIONS = (
    "person.invite",
    "person.deactivate",
    "person.reactivate",
    "membership.grant",
    "membership.revoke",
)


def person_history(user: User, *, agency: Agency | None) -> QuerySet[AuditEntry]:
    """The account's history (invited, deactivated, reactivated) and its role changes — in
    ``agency`` only, or everywhere when None (for platform admins). Newest first."""
    from django.contrib.contenttypes.models import ContentType

    qs = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        action__in=PERSON_HISTORY_ACTIONS,
    ).select_related("actor")
    if agency is not None:
        qs = qs.filter(
            models.Q(action__startswith="person.") | models.Q(changes__agency_id=agency.pk)
        )
    return qs.order_by("-created_at", "-id")


def unit_officers(unit: Unit) -> QuerySet[User]:
    """The active innovation officers of a unit: memberships on the unit or on a unit above it
    within its agency (they manage its records). Who is told about the unit's work."""
    unit_ids = (
        Unit.objects.ancestors(unit, include_self=True)
        .filter(agency_id=unit.agency_id)
        .values_list("pk", flat=True)
    )
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.UNIT_OFFICER,
            memberships__unit_id__in=list(unit_ids),
        )
        .distinct()
        .order_by("pk")
    )


def agency_role_holders(agency_id: int, role: str) -> QuerySet[User]:
    """The active people holding ``role`` anywhere in an agency (agency-wide or in a unit)."""
    return (
        User.objects.filter(
            is_active=True, memberships__agency_id=agency_id, memberships__role=role
        )
        .distinct()
        .order_by("pk")
    )
