"""The OpenAPI schema and the interactive docs: offline, under the site's strict CSP."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

SITE_STATIC = Path(django_settings.BASE_DIR) / "static"
INIT_SCRIPT = SITE_STATIC / "wuxiao" / "api" / "swagger-init.js"

PATHS = {
    "/api/auth/token": {"post", "delete"},
    "/api/me": {"get"},
    "/api/editions": {"get"},
    "/api/editions/current": {"get"},
    "/api/editions/{slug}": {"get"},
    "/api/units/recommending": {"get"},
    "/api/units": {"get"},
    "/api/units/{unit_id}": {"get"},
}


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.inline_scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def test_schema_lists_every_operation_with_english_summaries():
    response = Client().get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "wuxiao API"
    assert {path: set(ops) for path, ops in schema["paths"].items() if path in PATHS} == PATHS
    for path in PATHS:
        for op in schema["paths"][path].values():
            assert op["summary"].isascii() and op["summary"][0].isupper(), op["summary"]
    assert schema["paths"]["/api/auth/token"]["post"]["summary"] == "Create an API token"
    # Public operations carry no security requirement; the others accept a token or the session.
    assert "security" not in schema["paths"]["/api/editions/{slug}"]["get"]
    assert "security" not in schema["paths"]["/api/units/recommending"]["get"]
    assert schema["paths"]["/api/me"]["get"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_docs_page_uses_only_local_static_files_and_no_inline_script():
    response = Client().get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    parser = Tags()
    parser.feed(html)
    scripts = [attrs.get("src") for tag, attrs in parser.tags if tag == "script"]
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "link"]
    assert scripts == ["/static/ninja/swagger-ui-bundle.js", "/static/wuxiao/api/swagger-init.js"]
    assert parser.inline_scripts == []
    assert not any("style" in attrs for _, attrs in parser.tags)
    assert all(href.startswith("/static/") for href in links)
    assert not re.search(r"(https?:)?//[a-z]", html.replace("http-equiv", ""))
    assert INIT_SCRIPT.is_file()
    # The site's policy applies, with no exception for the docs.
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


def test_docs_settings_point_at_the_local_schema_and_no_online_validator():
    html = Client().get("/api/docs").content.decode()
    parser = Tags()
    parser.feed(html)
    root = next(attrs for tag, attrs in parser.tags if attrs.get("id") == "swagger-ui")

    settings = json.loads(root["data-settings"])

    assert settings["url"] == "/api/openapi.json"
    assert settings["validatorUrl"] is None
    assert root["data-csrf-token"]  # session "Try it out" calls send X-CSRFToken


def test_every_file_the_docs_page_loads_is_served():
    parser = Tags()
    parser.feed(Client().get("/api/docs").content.decode())
    urls = [attrs.get("src") or attrs.get("href") for tag, attrs in parser.tags if tag in ("script", "link")]

    assert len(urls) == 5
    for url in urls:
        assert finders.find(url.removeprefix("/static/")), url


def test_init_script_reads_its_settings_from_the_page():
    script = INIT_SCRIPT.read_text(encoding="utf-8")

    assert "dataset.settings" in script and "X-CSRFToken" in script
    assert "http" not in script.replace("https?", "")


def test_every_schema_of_the_api_has_a_name_of_its_own():
    """The OpenAPI document names its schemas by class name: two classes of one name (the entries' and the
    second round's AttachmentOut, say) would leave one operation documented with the other's fields."""
    import importlib
    import pkgutil

    from ninja import Schema

    import wuxiao

    for module in pkgutil.walk_packages(wuxiao.__path__, "wuxiao."):
        if ".api" in module.name or module.name.endswith("api_review"):
            importlib.import_module(module.name)
    seen: dict[str, str] = {}
    clashes = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("wuxiao."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in seen and seen[cls.__name__] != where:
            clashes.append((seen[cls.__name__], where))
        seen.setdefault(cls.__name__, where)
    assert clashes == []
