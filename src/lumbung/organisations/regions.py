"""Finding a region by what a person types: its Kemendagri code, its name, or a picker's label.

The region table is small (38 provinces, 514 regencies and cities) and changes only by migration,
so a search reads it whole and matches in Python: the same rules on SQLite and PostgreSQL, and
names compared word by word whatever their case, punctuation or prefix.

What is understood:

- a code: ``35``, ``35.05``, ``3505`` (and, in a search, the start of one: ``35.0``);
- a name, with or without its prefix, in any case: ``Kabupaten Blitar``, ``kab. blitar``,
  ``Blitar`` (both Kabupaten and Kota Blitar), ``Provinsi Jawa Timur``, ``Kota Jakarta Selatan``
  (for Kota *Administrasi* Jakarta Selatan), the short forms ``DKI Jakarta``, ``DIY`` and
  ``DI Yogyakarta`` and ``Jogja``;
- a label as the picker shows it: ``Kabupaten Blitar (35.05), Jawa Timur``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Region

#: How many regions a search offers at most (the picker asks for more letters beyond that).
SEARCH_LIMIT = 20

_NOT_A_WORD = re.compile(r"[^\w']+")
_CODE = re.compile(r"(\d{2})(?:\.?(\d{2}))?")
_CODE_START = re.compile(r"\d{1,2}(?:\.\d{0,2})?|\d{3,4}")
_LABEL = re.compile(r"(?P<name>.*?)\s*\(\s*(?P<code>[\d.]+)\s*\)\s*(?:,\s*(?P<province>.*))?")

#: Abbreviations people write, spelled out as the official names are.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "kab": ("kabupaten",),
    "kep": ("kepulauan",),
    "adm": ("administrasi",),
    "prov": ("provinsi",),
    "dki": ("daerah", "khusus", "ibukota"),
    "diy": ("daerah", "istimewa", "yogyakarta"),
    "jogja": ("yogyakarta",),
    "jogjakarta": ("yogyakarta",),
}
#: Names a province is also known by (after the abbreviations are spelled out).
_ALIASES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("di", "yogyakarta"): ("daerah", "istimewa", "yogyakarta"),
    ("daerah", "khusus", "jakarta"): ("daerah", "khusus", "ibukota", "jakarta"),
}
#: Leading words that say the level, longest first.
_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("kabupaten", "administrasi"), Region.Level.REGENCY),
    (("kota", "administrasi"), Region.Level.CITY),
    (("kabupaten",), Region.Level.REGENCY),
    (("kota",), Region.Level.CITY),
    (("provinsi",), Region.Level.PROVINCE),
)

UNKNOWN = gettext_lazy(
    "Unknown region: type its name or its Kemendagri code, for example Kabupaten Blitar or 35.05."
)


def words(text: str) -> tuple[str, ...]:
    """The words of a name or a query, lower case, abbreviations spelled out."""
    out: list[str] = []
    for word in _NOT_A_WORD.sub(" ", text.replace("-", " ").casefold()).split():
        out.extend(_ABBREVIATIONS.get(word, (word,)))
    found = tuple(out)
    return _ALIASES.get(found, found)


def split_prefix(found: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """(the level its prefix says or None, the words without the prefix)."""
    for prefix, level in _PREFIXES:
        if found[: len(prefix)] == prefix:
            return level, found[len(prefix) :]
    return None, found


def normalise_code(text: str) -> str | None:
    """``35.05`` for ``35.05`` or ``3505``, ``35`` for ``35``; None when it is not a code."""
    match = _CODE.fullmatch(text.strip())
    if match is None:
        return None
    province, below = match.groups()
    return f"{province}.{below}" if below else province


def label(region: Region) -> str:
    """How a region is shown and offered: ``Kabupaten Blitar (35.05), Jawa Timur``."""
    if region.parent_id and region.parent is not None:
        return f"{region.name} ({region.code}), {region.parent.name}"
    return f"{region.name} ({region.code})"


@dataclass(frozen=True)
class _Entry:
    region: Region
    full: tuple[str, ...]  # the words of the name
    bare: tuple[str, ...]  # … without "Kabupaten", "Kota (Administrasi)", "Provinsi"
    province: tuple[str, ...]  # the words of the province's name (empty for a province)


class RegionNames:
    """All regions (or those of ``queryset``), read once, to look up and search by name."""

    def __init__(self, queryset: QuerySet[Region] | None = None):
        regions = (queryset if queryset is not None else Region.objects.all()).select_related(
            "parent"
        )
        self.entries: list[_Entry] = []
        for region in regions.order_by("code"):
            full = words(region.name)
            parent = words(region.parent.name) if region.parent is not None else ()
            self.entries.append(_Entry(region, full, split_prefix(full)[1], parent))

    def named(self, name: str, *, levels: Iterable[str] | None = None) -> list[Region]:
        """The regions called ``name``: its exact name first ("Jambi" is the province, not Kota
        Jambi); else its name without the prefix ("Blitar": Kabupaten and Kota Blitar)."""
        allowed = set(levels) if levels else set(Region.Level.values)
        found = words(name)
        if not found:
            return []
        exact = [e.region for e in self.entries if e.full == found and e.region.level in allowed]
        if exact:
            return exact
        level, bare = split_prefix(found)
        return [
            e.region
            for e in self.entries
            if e.bare == bare and e.region.level in allowed and level in {None, e.region.level}
        ]

    def get(self, name: str, *, levels: Iterable[str] | None = None) -> Region | None:
        """The one region called ``name``, or None (no such name, or more than one region)."""
        found = self.named(name, levels=levels)
        return found[0] if len(found) == 1 else None

    def search(
        self, query: str, *, levels: Iterable[str] | None = None, limit: int | None = None
    ) -> list[Region]:
        """Regions matching ``query`` — the start of a code, or words of a name (each word a
        part of the name's words; the province's name may narrow it) — best first."""
        allowed = set(levels) if levels else set(Region.Level.values)
        query = query.strip()
        if _CODE_START.fullmatch(query):
            prefix = query if "." in query or len(query) <= 2 else f"{query[:2]}.{query[2:]}"
            hits = [e.region for e in self.entries if e.region.code.startswith(prefix)]
            hits = [r for r in hits if r.level in allowed]
        else:
            level, bare = split_prefix(words(query))  # "kota" alone: every city
            scored = [
                (score, e.region.code, e.region)
                for e in self.entries
                if e.region.level in allowed and level in {None, e.region.level}
                for score in [_score(e, bare)]
                if score is not None
            ]
            hits = [region for _score_, _code, region in sorted(scored, key=lambda s: s[:2])]
        return hits[:limit] if limit else hits


def _score(entry: _Entry, query: Sequence[str]) -> int | None:
    """How well a region matches the words of a query (lower is better), or None."""
    if not query:
        return 5  # only a prefix was typed: every region of its level
    if entry.bare == tuple(query):
        return 0
    name = " ".join(entry.bare)
    if name.startswith(" ".join(query)):
        return 1
    if all(any(w.startswith(q) for w in entry.bare) for q in query):
        return 2
    if all(q in name for q in query) or "".join(query) in name.replace(" ", ""):
        return 3  # parts of words, or words run together ("tolitoli" for Toli-Toli)
    # "malang jawa": words of the name, narrowed by words of its province's name
    where = (*entry.bare, *entry.province)
    own = any(any(w.startswith(q) for w in entry.bare) for q in query)
    if own and all(any(w.startswith(q) for w in where) for q in query):
        return 4
    return None


def search(
    query: str,
    *,
    levels: Iterable[str] | None = None,
    queryset: QuerySet[Region] | None = None,
    limit: int | None = None,
) -> list[Region]:
    """Regions matching ``query`` (a name, words of one, or the start of a code), best first."""
    if not query.strip():
        return []
    return RegionNames(queryset).search(query, levels=levels, limit=limit)


def resolve(text: str, *, levels: Iterable[str] | None = None) -> Region | None:
    """The region a person means by ``text`` (a code, a name or a picker's label); None for an
    empty text. Raises ``ValidationError`` for an unknown, ambiguous or not allowed region."""
    text = " ".join(text.split())
    if not text:
        return None
    allowed = tuple(levels) if levels else tuple(Region.Level.values)
    code = normalise_code(text)
    if code is not None:
        region = Region.objects.select_related("parent").filter(code=code).first()
    else:
        region = _by_label(text) or _by_name(text, allowed)
    if region is None:
        raise ValidationError(UNKNOWN, code="unknown")
    if region.level not in allowed:
        raise ValidationError(
            _("Choose a region of this kind: %(levels)s.")
            % {"levels": ", ".join(str(Region.Level(level).label) for level in allowed)},
            code="level",
        )
    return region


def _by_label(text: str) -> Region | None:
    """The region of a label ``Name (code), Province`` whose name and province fit its code."""
    match = _LABEL.fullmatch(text)
    code = normalise_code(match.group("code")) if match else None
    if match is None or code is None:
        return None
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise ValidationError(UNKNOWN, code="unknown")
    names = RegionNames(Region.objects.filter(code=code))
    province = match.group("province")
    fits_name = not match.group("name") or names.get(match.group("name")) == region
    fits_province = not province or (
        region.parent is not None and words(province) == words(region.parent.name)
    )
    if not (fits_name and fits_province):
        raise ValidationError(UNKNOWN, code="unknown")
    return region


def _by_name(text: str, levels: Sequence[str]) -> Region | None:
    """The region of that name (of an allowed level if there is one, so that "Jambi" for a
    regency or city is not taken for the province); more than one is an error."""
    names = RegionNames()
    found = names.named(text, levels=levels) or names.named(text)
    if len(found) > 1:
        raise ValidationError(
            _(
                "“%(name)s” is the name of more than one region: %(regions)s. Choose one, or "
                "type its code."
            )
            % {"name": text, "regions": "; ".join(label(r) for r in found)},
            code="ambiguous",
        )
    return found[0] if found else None
