"""A wuxiao site of its own (a fresh database and data directory), driven through manage.py subprocesses.

The tests of the worker and of backup/restore need what the test database cannot give: several
processes on one database, a worker killed with SIGKILL, a restore into another database. A site
uses the vendor of the test run: a SQLite file, or a PostgreSQL database on the same server.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER") or "",
            "password": db.get("PASSWORD") or "", "base": db["NAME"]}


def pg_url(name: str) -> str:
    s = _server()
    auth = quote(s["user"]) + (":" + quote(s["password"]) if s["password"] else "")
    return f"postgres://{auth}@{s['host']}:{s['port']}/{name}"


def pg_admin(sql: str) -> None:
    s = _server()
    with psycopg.connect(host=s["host"], port=s["port"], user=s["user"], password=s["password"], dbname="postgres",
                         autocommit=True) as db:
        db.execute(sql)


def pg_name(purpose: str) -> str:
    return f"{_server()['base']}_{purpose}_{uuid.uuid4().hex[:8]}"[-63:]


class Site:
    def __init__(self, root: Path, database_url: str | None = None, **env: str):
        root.mkdir(parents=True, exist_ok=True)
        self.root, self.database_url = root, database_url
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update(DATA_DIR=str(root), MEDIA_ROOT=str(root / "media"), DJANGO_SETTINGS_MODULE="wuxiao.settings",
                        PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "src")]), **env)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.processes: list[subprocess.Popen] = []

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    @property
    def sqlite_file(self) -> Path:
        return self.root / "wuxiao.sqlite3"

    def run(self, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, *args], cwd=REPO, env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        if check and result.returncode:
            raise AssertionError(f"{' '.join(args)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args, **kwargs)

    def scenario(self, *args: str):
        return json.loads(self.run("-m", "tests.jobs.scenario", *args).stdout.splitlines()[-1])

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.root / f"process-{len(self.processes)}.log", "w")  # noqa: SIM115 (closed in stop_all)
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT)
        process.log = log
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.root.glob("process-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            process.log.close()

    def query(self, sql: str, *params) -> list[tuple]:
        """Raw SQL on the site's database (%s placeholders), read from this process."""
        if self.database_url is None:
            with closing(sqlite3.connect(self.sqlite_file, timeout=30)) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.database_url) as db:
            return db.execute(sql, params).fetchall()


class Sites:
    """Makes sites for one test and removes their databases afterwards."""

    def __init__(self, tmp_path: Path, template: dict):
        self.tmp_path, self.template = tmp_path, template
        self.made: list[Site] = []
        self.databases: list[str] = []

    def __call__(self, name: str, *, migrated: bool = True, **env: str) -> Site:
        root = self.tmp_path / name
        if connection.vendor == "sqlite":
            site = Site(root, **env)
            if migrated:
                shutil.copyfile(self.template["file"], site.sqlite_file)
        else:
            database = pg_name("site")
            pg_admin(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{self.template["name"]}"' if migrated else ""))
            self.databases.append(database)
            site = Site(root, pg_url(database), **env)
        self.made.append(site)
        return site

    def cleanup(self) -> None:
        for site in self.made:
            site.stop_all()
        for database in self.databases:
            pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
