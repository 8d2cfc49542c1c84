"""The kinds of import the apps offer, and the one shape of what an import found or did.

An app registers each kind it imports in its ``AppConfig.ready()``::

    registry.register(ImportKind(key="units", label=_("Units"), may_import=..., check=...,
                                 run=..., columns=(...)))

``check(content, filename, actor)`` reads and checks a file without writing (the preview);
``run(content, filename, actor, progress)`` checks it again and writes it, all or nothing, as
``actor``. Both answer an :class:`Outcome`, kept as JSON in the import record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from lumbung.core.actors import Actor
from lumbung.core.spreadsheets import Problem

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stage is ``"check"`` or ``"write"``."""

Text = str | Promise


@dataclass
class Entry:
    """One record the import would write (in the preview) or wrote (in the result)."""

    line: int | None
    text: str
    detail: str = ""
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "detail": self.detail, "url": self.url}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        line = data.get("line")
        return cls(
            line=int(line) if line is not None else None,
            text=str(data.get("text", "")),
            detail=str(data.get("detail", "")),
            url=str(data.get("url", "")),
        )


@dataclass
class Outcome:
    """What checking or running an import found: every problem (a row's line and reason, or the
    whole file's), notices, the records in order, and whether they were written."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if not p.row]

    @property
    def row_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row]

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.row and p.line is not None})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "problems": [p.as_dict() for p in self.problems],
            "notices": list(self.notices),
            "summary": list(self.summary),
            "entries": [e.as_dict() for e in self.entries],
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Outcome:
        data = data or {}
        return cls(
            rows=int(data.get("rows", 0) or 0),
            problems=[Problem.from_dict(p) for p in data.get("problems", [])],
            notices=[str(n) for n in data.get("notices", [])],
            summary=[str(s) for s in data.get("summary", [])],
            entries=[Entry.from_dict(e) for e in data.get("entries", [])],
            written=bool(data.get("written", False)),
        )


@dataclass(frozen=True)
class Column:
    """A column of a kind's file, for the page that explains it."""

    name: str
    required: bool
    help: Text
    #: the Indonesian names the column may also have
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: Text
    #: whether this person may import this kind at all (their rows are then checked one by one)
    may_import: Callable[[Actor], bool]
    check: Callable[[bytes, str, Actor], Outcome]
    run: Callable[[bytes, str, Actor, ProgressCallback], Outcome]
    columns: tuple[Column, ...] = ()
    help: Text = ""
    #: (column, [(code, name)]) — the values a column accepts, for the page that explains it
    values: Callable[[], list[tuple[str, list[tuple[str, str]]]]] | None = None
    #: rows of an example file (the header is the columns' names)
    example: tuple[tuple[str, ...], ...] = ()
    order: int = 0


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    if kind.key in _KINDS and _KINDS[kind.key] is not kind:
        raise ValueError(f"import kind {kind.key!r} registered twice")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> ImportKind | None:
    return _KINDS.get(key)


def kinds() -> list[ImportKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def kinds_for(actor: Actor) -> list[ImportKind]:
    """The kinds this person may import (none for an anonymous visitor)."""
    if not actor.is_authenticated:
        return []
    return [k for k in kinds() if k.may_import(actor)]
