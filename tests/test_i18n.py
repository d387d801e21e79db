"""The zh-hans catalogue is complete: every message in the code has a Chinese translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .markers import same_on_every_database

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "wuxiao"


def _untranslated(po: Path) -> str:
    out = []
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)],
                                capture_output=True, text=True, check=True)
        # msgattrib prints the header entry (msgid "") when anything else is printed.
        entries = [b for b in result.stdout.split("\n\n") if "msgid" in b and 'msgid ""\nmsgstr ""\n"' not in b]
        out.extend(entries)
    return "\n\n".join(out)


@pytest.fixture(scope="module")
def regenerated_catalogues(tmp_path_factory):
    """Run makemessages on a copy of the source, so the check sees every string the code has now."""
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext is missing: `make install` installs it")
    root = tmp_path_factory.mktemp("i18n") / "src"
    shutil.copytree(SRC, root / "wuxiao", ignore=shutil.ignore_patterns("__pycache__", "*.mo", "data"))
    env = {**os.environ, "PYTHONPATH": str(root), "DJANGO_SETTINGS_MODULE": "wuxiao.settings",
           "DATA_DIR": str(root / "var")}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location",
                    "-v", "0"], cwd=root / "wuxiao", env=env, check=True, capture_output=True)
    return sorted((root / "wuxiao").rglob("zh_Hans/LC_MESSAGES/django.po"))


@same_on_every_database
def test_every_app_with_messages_has_a_catalogue(regenerated_catalogues):
    assert regenerated_catalogues, "makemessages found no catalogue"
    assert any(p.parent.parent.parent.parent.name == "wuxiao" for p in regenerated_catalogues)


@same_on_every_database
def test_zh_hans_catalogue_is_complete(regenerated_catalogues):
    problems = {}
    for po in regenerated_catalogues:
        missing = _untranslated(po)
        if missing:
            problems[str(po.relative_to(po.parents[4]))] = missing
    assert not problems, "Untranslated or fuzzy messages (run makemessages and translate):\n" + "\n".join(
        f"--- {name}\n{text}" for name, text in problems.items())


def test_chinese_by_default_and_english_selectable(client, db):
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page and "注册申报单位" in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page and "Register a declaring unit" in page


@same_on_every_database
def test_catalogues_compile_with_format_checks():
    """msgfmt --check (as compilemessages runs it): every %(name)s of a msgid is in its translation."""
    for po in sorted(SRC.rglob("zh_Hans/LC_MESSAGES/django.po")):
        result = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(po)], capture_output=True, text=True)
        assert result.returncode == 0, f"{po}: {result.stderr}"
