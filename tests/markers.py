"""Marks shared by the suite's modules."""

import os

import pytest

# For a test that makes its own SQLite database (a benchmark's smoke test, `make run`) or uses none (the
# catalogues): the PostgreSQL run (`make test-pg`, DATABASE_URL set) would repeat the SQLite run's check
# exactly, at a minute each, so it runs once.
same_on_every_database = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="makes its own SQLite database or uses none: the SQLite run has checked exactly this")
