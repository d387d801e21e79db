"""One archive with the database and every uploaded file, and bringing it back (`manage.py backup`/`restore`).

The archive is a .tar.gz:

    database.sqlite3   SQLite: a copy made with the online backup API (consistent while the site runs)
    database.pgdump    PostgreSQL: `pg_dump --format=custom`
    media/<name>       every file of the default storage (MEDIA_ROOT), under its storage name
    manifest.json      date, database vendor, applied migrations, file count and the SHA-256 of every member

The database is copied first, then the files: a file uploaded in between is in the archive
without a row pointing at it, which is harmless.
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "wuxiao-backup/1"
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Nothing was changed; the message says why and what to do."""


class _Hashing(io.RawIOBase):
    """A file read through, hashing what passes (tarfile reads each member exactly once)."""

    def __init__(self, raw):
        self.raw, self.sha256 = raw, hashlib.sha256()

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_env() -> dict[str, str]:
    """libpq's variables for the configured database, so pg_dump/pg_restore reach the one Django uses."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _pg_tool(name: str, *args: str) -> None:
    if shutil.which(name) is None:
        raise BackupError(f"{name} is missing: install the PostgreSQL client (Debian: apt-get install "
                          "postgresql-client, of the server's major version or newer).")
    result = subprocess.run([name, *args], env=_pg_env(), capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{name} failed: {result.stderr.strip() or result.stdout.strip()}")


def _dump_database(path: Path) -> None:
    if _vendor() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)  # the whole database in one step: a consistent snapshot
        finally:
            target.close()
    else:
        _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}")


def _media_names(directory: str = "") -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(directory)
    except FileNotFoundError:  # no upload yet: MEDIA_ROOT was never created
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(dirs):
        yield from _media_names(f"{directory}/{name}" if directory else name)


def write_backup(output: Path) -> dict:
    """Write the archive to `output` (through a temporary name, so a failed backup leaves no half archive)."""
    vendor = _vendor()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    member = DATABASE_MEMBER[vendor]
    try:
        with tempfile.TemporaryDirectory(prefix="backup-", dir=output.parent) as tmp:
            database = Path(tmp) / member
            _dump_database(database)
            checksums = {member: _sha256(database)}
            count = size = 0
            # Readable by its owner only: it holds every account's password hash. Level 1: most
            # uploads (PDF, video, images) are compressed already.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
                tar.add(database, arcname=member)
                for name in _media_names():
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size = default_storage.size(name)
                    info.mtime = int(dt.datetime.now().timestamp())
                    with default_storage.open(name, "rb") as f:
                        reader = _Hashing(f)
                        tar.addfile(info, reader)
                    checksums[info.name] = reader.sha256.hexdigest()
                    count, size = count + 1, size + info.size
                manifest = {
                    "format": FORMAT,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "django": django.get_version(),
                    "database": {"vendor": vendor, "member": member},
                    "migrations": applied_migrations(),
                    "media": {"files": count, "bytes": size},
                    "checksums": checksums,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _member_path(root: Path, member: tarfile.TarInfo) -> Path:
    """Where a member goes under `root`; anything but a plain file at a plain relative path is refused."""
    parts = PurePosixPath(member.name).parts
    if (not member.isfile() or not parts or PurePosixPath(member.name).is_absolute() or ".." in parts
            or (parts[0] != "media" and len(parts) != 1)):
        raise BackupError(f"The archive holds an unexpected member {member.name!r}: it is not a wuxiao backup.")
    return root.joinpath(*parts)


def unpack(archive: Path, root: Path) -> dict:
    """Extract the archive under `root` and check every member against the manifest; returns the manifest."""
    checksums = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                path = _member_path(root, member)
                path.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                digest = hashlib.sha256()
                with path.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                checksums[member.name] = digest.hexdigest()
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{archive} cannot be read as a backup archive ({exc}).") from exc
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive} has no readable {MANIFEST}: it is not a wuxiao backup.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is in format {manifest.get('format')!r}; this version reads {FORMAT}.")
    checksums.pop(MANIFEST)
    expected = manifest["checksums"]
    damaged = sorted(name for name in expected if checksums.get(name) != expected[name])
    unlisted = sorted(set(checksums) - set(expected))
    if damaged or unlisted:
        raise BackupError(f"{archive} is damaged: "
                          + "; ".join(filter(None, [damaged and f"checksum wrong or member missing: {', '.join(damaged)}",
                                                    unlisted and f"not in the manifest: {', '.join(unlisted)}"])))
    return manifest


def current_contents() -> list[str]:
    """What a restore would overwrite: the configured database's tables, the stored files."""
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(f"the database {connection.settings_dict['NAME']} has {len(tables)} tables")
    files = sum(1 for _ in _media_names())
    if files:
        found.append(f"the media storage holds {files} files")
    return found


def _load_database(path: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)  # replaces the whole content, under SQLite's own locking
        finally:
            source.close()
        connection.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connection.close()
        _pg_tool("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                 f"--dbname={connection.settings_dict['NAME']}", str(path))


def _restore_media(root: Path, names: list[str]) -> None:
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)
        with (root / "media" / name).open("rb") as f:
            saved = default_storage.save(name, File(f))
        if saved != name:
            raise BackupError(f"The storage stored {name!r} as {saved!r}; the database would not find it.")


def restore_backup(archive: Path, *, replace: bool) -> dict:
    """Check the archive, then bring back its database and files; returns the manifest."""
    vendor = _vendor()
    work = Path(settings.FILE_UPLOAD_TEMP_DIR)  # on the media disk, which has room for the files
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=work) as tmp:
        root = Path(tmp)
        manifest = unpack(archive, root)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(f"The backup is of a {manifest['database']['vendor']} database and the configured one "
                              f"is {vendor}: restore it into a {manifest['database']['vendor']} database.")
        found = current_contents()
        if found and not replace:
            raise BackupError("Nothing was restored: " + " and ".join(found) + ". Run `manage.py backup` first if "
                              "they are worth keeping, then restore again with --yes to overwrite them.")
        _load_database(root / manifest["database"]["member"])
        _restore_media(root, [name.removeprefix("media/") for name in manifest["checksums"]
                              if name.startswith("media/")])
    return manifest


def migration_gap(manifest: dict) -> tuple[list[str], list[str]]:
    """(migrations of this code the backup lacks, migrations of the backup this code does not know)."""
    backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    code = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(f"{a}.{n}" for a, n in code - backup), sorted(f"{a}.{n}" for a, n in backup - code)
