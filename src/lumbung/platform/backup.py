"""Backing up an instance and restoring it elsewhere: the database and the uploaded files in
one archive, with a manifest that lets the restore prove it is whole.

An archive (``.tar.gz``) holds ``manifest.json`` (when, which database, the row count of every
table, the SHA-256 of every file), the database — ``database.sqlite3`` made with SQLite's online
backup API (a consistent copy while the site runs), or ``database.dump`` from ``pg_dump
--format=custom`` — and ``media/``, the uploads. ``restore`` checks every file against the
manifest before writing anything, then writes the database (a SQLite file into the data folder;
``pg_restore`` into the configured PostgreSQL database, which must be empty) and the uploads,
and compares the restored tables' row counts with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

FORMAT = 1
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.dump"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        out = {}
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            out[table] = int(cursor.fetchone()[0])
        return out


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from the settings."""
    db = connection.settings_dict
    args = ["--host", str(db.get("HOST") or "localhost"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int


def backup(output: Path) -> BackupResult:
    """Write the archive to ``output`` (``.tar.gz``)."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        counts = _counts_here()
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(work / SQLITE_NAME)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            database = SQLITE_NAME
        elif connection.vendor == "postgresql":
            args, env = _pg_env()
            name = str(connection.settings_dict["NAME"])
            run = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    *args,
                    "--file",
                    str(work / PG_NAME),
                    name,
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if run.returncode:
                raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
            database = PG_NAME
        else:
            raise BackupError(f"no backup for a {connection.vendor} database")
        files = {}
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                files[path.relative_to(media).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "vendor": connection.vendor,
            "database": database,
            "database_sha256": _sha256(work / database),
            "counts": counts,
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(work / database, arcname=database)
            for name in files:
                archive.add(media / name, arcname=f"media/{name}")
        os.chmod(partial, 0o600)  # passwords' hashes and personal data: the owner's only
        partial.replace(output)
    return BackupResult(output, len(counts), sum(counts.values()), len(files))


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unexpected entry in the archive: {member.name}")
    return members


def read_manifest(source: Path, into: Path) -> dict[str, Any]:
    """Unpack the archive into ``into`` and check it against its manifest."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(into, members=_safe_members(archive))
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"not a Lumbung backup: {exc}") from exc
    try:
        manifest = json.loads((into / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError("the archive has no readable manifest") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("this backup was made by another version of its format")
    if _sha256(into / manifest["database"]) != manifest["database_sha256"]:
        raise BackupError("the database in the archive is damaged")
    for name, digest in manifest["files"].items():
        path = into / "media" / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"the uploaded file {name} is missing or damaged")
    return manifest


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    files: int


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: int(db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        db.close()


def restore(source: Path, *, data_dir: Path) -> RestoreResult:
    """Restore the archive: its SQLite database into ``data_dir`` (which must not hold one
    yet), or its PostgreSQL dump into the configured database (which must be empty); its
    uploads into ``data_dir/media``. The manifest is checked before anything is written."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = read_manifest(source, work)
        counts: dict[str, int] = manifest["counts"]
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if manifest["vendor"] == "sqlite":
            target = data_dir / "lumbung.sqlite3"
            if target.exists() and target.stat().st_size:  # settings make it empty, 0600
                raise BackupError(f"{target} exists: restore into a new data folder")
            target.touch(mode=0o600)  # owner-only before the first byte is written
            shutil.copyfile(work / SQLITE_NAME, target)
            os.chmod(target, 0o600)
            restored = _sqlite_counts(target)
        else:
            if connection.vendor != "postgresql":
                raise BackupError("a PostgreSQL backup restores into PostgreSQL (DATABASE_URL)")
            if any(_counts_here().values()) if _tables() else False:
                raise BackupError("the database is not empty: restore into a new database")
            args, env = _pg_env()
            name = str(connection.settings_dict["NAME"])
            run = subprocess.run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--exit-on-error",
                    *args,
                    "--dbname",
                    name,
                    str(work / PG_NAME),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if run.returncode:
                raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
            connection.close()
            restored = _counts_here()
        wrong = {t: (n, restored.get(t)) for t, n in counts.items() if restored.get(t) != n}
        if wrong:
            raise BackupError(f"restored row counts differ from the backup's: {wrong}")
        media = data_dir / "media"
        for name in manifest["files"]:
            path = media / name
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "media" / name, path)
    return RestoreResult(len(counts), sum(counts.values()), len(manifest["files"]))
