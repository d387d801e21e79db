"""Settings come from the environment; production mode is strict (issue: foundation, item 3)."""

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .markers import same_on_every_database

REPO = Path(__file__).resolve().parent.parent

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
    "'engine': s.DATABASES['default']['ENGINE'], 'hosts': s.ALLOWED_HOSTS, 'tz': s.TIME_ZONE, "
    "'lang': s.LANGUAGE_CODE, 'media': str(s.MEDIA_ROOT), 'email': s.EMAIL_BACKEND}))"
)


def run_settings(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {
        "DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_HOST", "MEDIA_ROOT"}}
    base.update({"DJANGO_SETTINGS_MODULE": "wuxiao.settings", "PYTHONPATH": str(REPO / "src")}, **env)
    return subprocess.run([sys.executable, "-c", PROBE], env=base, capture_output=True, text=True, cwd=REPO)


def test_production_refuses_to_start_without_secret_key():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_settings({"DEBUG": "0", "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_with_key_sets_secure_cookies_and_hsts(tmp_path):
    import json

    key_file = tmp_path / "key"
    key_file.write_text("k" * 50)
    result = run_settings({"DEBUG": "0", "SECRET_KEY_FILE": str(key_file), "ALLOWED_HOSTS": "wuxiao.example.cn",
                           "DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hsts"] == 31536000
    assert values["session_secure"] is True and values["csrf_secure"] is True
    assert values["hosts"] == ["wuxiao.example.cn"]


def test_defaults_work_with_nothing_set(tmp_path):
    import json

    result = run_settings({"DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["tz"] == "Asia/Shanghai"
    assert values["lang"] == "zh-hans"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"
    assert values["media"] == str(tmp_path / "media")


def test_database_url_selects_postgresql(tmp_path):
    import json

    result = run_settings({"DATABASE_URL": "postgres://u@db.example:5432/w", "DATA_DIR": str(tmp_path)})
    assert json.loads(result.stdout)["engine"] == "django.db.backends.postgresql"


def test_sqlite_is_configured_for_concurrent_writers():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite settings only apply without DATABASE_URL")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 20


def test_every_page_sends_a_strict_content_security_policy(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_times_are_stored_in_utc_and_shown_in_beijing(db):
    from django.utils import timezone

    from wuxiao.competitions import presets

    deadline = presets.ZHENGZHOU_2025["declaration_deadline"]
    assert timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") == "2025-03-28 17:30"
    assert deadline.astimezone(dt.timezone.utc).strftime("%H:%M") == "09:30"


# --- The newcomer's first minutes (issue 9, item 16) --------------------------------------------

SITE_PROBE = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"


def site_url(env: dict, tmp_path) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT", "DATABASE_URL"}}
    base.update({"DJANGO_SETTINGS_MODULE": "wuxiao.settings", "PYTHONPATH": str(REPO / "src"),
                 "DATA_DIR": str(tmp_path)}, **env)
    result = subprocess.run([sys.executable, "-c", SITE_PROBE], env=base, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("env, expected", [
    ({}, "http://127.0.0.1:8000"),
    ({"PORT": "8101"}, "http://127.0.0.1:8101"),  # make run PORT=8101
    ({"HOST": "0.0.0.0", "PORT": "8101"}, "http://127.0.0.1:8101"),  # every interface: this machine
    ({"HOST": "192.168.1.20", "PORT": "8101"}, "http://192.168.1.20:8101"),
    ({"HOST": "::1", "PORT": "8101"}, "http://[::1]:8101"),
    ({"PORT": "8101", "SITE_URL": "https://wuxiao.example.cn/"}, "https://wuxiao.example.cn"),  # set: it wins
])
def test_site_url_follows_the_port_unless_set(tmp_path, env, expected):
    assert site_url(env, tmp_path) == expected


def test_font_subsetting_and_pdf_layout_are_not_logged(caplog):
    """fontTools reports every table it subsets at INFO: neither it nor WeasyPrint speaks below WARNING."""
    for name in ("fontTools", "fontTools.subset", "fontTools.ttLib", "weasyprint", "weasyprint.progress"):
        logger = logging.getLogger(name)
        assert not logger.isEnabledFor(logging.INFO), name
        assert logger.isEnabledFor(logging.WARNING), name
    with caplog.at_level(logging.INFO):
        logging.getLogger("fontTools.subset").info("maxp pruned")
    assert caplog.records == []
    assert logging.getLogger("wuxiao").isEnabledFor(logging.INFO)  # the project's own records still show


def test_django_records_are_printed_once():
    """Django's own console handler is gone: its records reach the console through the root logger only."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
    assert settings.LOGGING["root"]["handlers"] == ["console"]


@same_on_every_database
def test_a_server_worker_imports_every_url_module_before_its_first_request(tmp_path):
    """wsgi.py loads the URL configuration (views, the API's routers and schemas, seconds of CPU) while the
    worker starts, so that no user waits for it in the worker's first request (issue 8, item 18)."""
    probe = ("import sys, wuxiao.wsgi; "
             "print(all(m in sys.modules for m in ('wuxiao.urls', 'wuxiao.api', 'wuxiao.entries.api.entries', "
             "'wuxiao.awards.views_public')))")
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    base.update({"PYTHONPATH": str(REPO / "src"), "DATA_DIR": str(tmp_path), "DEBUG": "0",
                 "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "example.org"})
    result = subprocess.run([sys.executable, "-c", probe], env=base, capture_output=True, text=True, cwd=REPO)

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "True"
