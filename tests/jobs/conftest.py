import pytest
from django.db import connection

from .sites import Site, Sites, pg_admin, pg_name, pg_url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated database per test session; every site starts as a copy of it (migrating takes seconds)."""
    root = tmp_path_factory.mktemp("site-template")
    if connection.vendor == "sqlite":
        site = Site(root)
        site.manage("migrate", "--no-input", "-v", "0")
        site.query("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, which is what gets copied
        yield {"file": site.sqlite_file}
        return
    name = pg_name("tpl")
    pg_admin(f'CREATE DATABASE "{name}"')
    try:
        Site(root, pg_url(name)).manage("migrate", "--no-input", "-v", "0")
        yield {"name": name}
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_site(tmp_path, migrated_template):
    sites = Sites(tmp_path, migrated_template)
    yield sites
    sites.cleanup()
