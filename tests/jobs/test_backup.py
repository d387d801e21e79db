"""`manage.py backup` and `restore`: everything comes back in a fresh database and media directory.

The round trip runs the commands as subprocesses on sites of their own (a SQLite file, or
PostgreSQL databases when the suite runs on PostgreSQL); the refusals run in the test process,
where they must stop before touching anything.
"""

import hashlib
import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from wuxiao.common.backup import FORMAT


def media_files(site) -> dict[str, bytes]:
    root = site.root / "media"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_backup_restored_into_a_fresh_site_has_every_entry_file_and_audit_row(make_site, tmp_path):
    source = make_site("source")
    before = source.scenario("populate")
    assert len(before["entries"]) == 3 and len(before["files"]) == 7 and len(before["audit"]) == 10
    archive = tmp_path / "backup.tar.gz"
    out = source.manage("backup", "--output", str(archive)).stdout
    assert f"Backup written to {archive}" in out and "7 files" in out
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds the password hashes

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = sorted(tar.getnames())
    database = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[source.vendor]
    assert manifest["format"] == FORMAT and manifest["database"] == {"vendor": source.vendor, "member": database}
    assert manifest["media"]["files"] == 7 and manifest["created_at"].endswith("+00:00")
    assert "0001_initial" in manifest["migrations"]["jobs"] and "0001_initial" in manifest["migrations"]["entries"]
    assert members == sorted([database, "manifest.json", *(f"media/{name}" for name in media_files(source))])
    assert {name.removeprefix("media/"): digest for name, digest in manifest["checksums"].items()
            if name.startswith("media/")} == before["files"]

    target = make_site("target", migrated=False)  # an empty database and no media directory
    out = target.manage("restore", str(archive)).stdout
    assert "every checksum verified" in out and "7 files" in out and "migrate" not in out
    assert target.scenario("inventory") == before
    assert media_files(target) == media_files(source)

    # Over a site with data (refused without --yes, see below): the same comes back, nothing twice.
    target.manage("restore", str(archive), "--yes")
    assert target.scenario("inventory") == before


def build_archive(path, members: dict[str, bytes], manifest: dict | None = None, vendor: str | None = None):
    """A hand-made archive; the manifest lists the members' true checksums unless one is given."""
    manifest = manifest or {
        "format": FORMAT, "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"vendor": vendor or connection.vendor, "member": "database.sqlite3"},
        "migrations": {}, "media": {"files": 1, "bytes": 3},
        "checksums": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {**members, "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return manifest


@pytest.fixture
def work(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    return tmp_path


def restore(*args) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", *map(str, args))
    return str(refused.value)


def test_a_damaged_archive_is_refused_before_anything_changes(work, db):
    members = {"database.sqlite3": b"db", "media/entries/1/a.pdf": b"abc"}
    manifest = build_archive(work / "good.tar.gz", members)
    build_archive(work / "bad.tar.gz", {**members, "media/entries/1/a.pdf": b"abd"}, manifest=manifest)
    message = restore(work / "bad.tar.gz", "--yes")
    assert "is damaged" in message and "checksum wrong or member missing: media/entries/1/a.pdf" in message
    build_archive(work / "extra.tar.gz", {**members, "media/entries/1/b.pdf": b"x"}, manifest=manifest)
    assert "not in the manifest: media/entries/1/b.pdf" in restore(work / "extra.tar.gz", "--yes")
    (work / "junk.tar.gz").write_bytes(b"not an archive")
    assert "cannot be read as a backup archive" in restore(work / "junk.tar.gz")
    assert "does not exist" in restore(work / "missing.tar.gz")
    assert not list((work / "uploads").iterdir())  # the unpacked copies are gone


def test_members_outside_the_archive_root_are_refused(work, db):
    build_archive(work / "evil.tar.gz", {"media/../../evil.txt": b"x"})
    assert "unexpected member 'media/../../evil.txt'" in restore(work / "evil.tar.gz", "--yes")
    assert not (work / "evil.txt").exists()


def test_a_backup_of_another_database_vendor_is_refused(work, db):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    build_archive(work / "other.tar.gz", {"database.sqlite3": b"db"}, vendor=other)
    assert f"backup is of a {other} database" in restore(work / "other.tar.gz", "--yes")


def test_a_database_with_tables_is_not_overwritten_without_yes(work, db):
    build_archive(work / "good.tar.gz", {"database.sqlite3": b"db"})
    message = restore(work / "good.tar.gz")
    assert message.startswith("Nothing was restored: the database") and "tables" in message
    assert "manage.py backup" in message and "--yes" in message
