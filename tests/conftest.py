import contextlib
import os
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from wuxiao.accounts.models import Role

from . import factories


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The browser tests' live server, handling one request at a time.

    On SQLite the tests' in-memory database is one connection that every server thread shares
    (Django passes it to them): two requests at once (an autosave beside a click, the bell's
    refresh beside a page) interleave their transactions on it and fail with "no such savepoint"
    or "database table is locked", which then breaks every later test of that worker. The
    threads stay (browsers keep connections open); only the application runs one at a time.
    """

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with _APP_LOCK:
                if _DRAINING.is_set():  # the test is over: its database is being flushed
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                    return [b"the test is over"]
                return application(environ, start_response)

        super().set_app(one_at_a_time)


_APP_LOCK = threading.Lock()
_DRAINING = threading.Event()
LiveServerThread.server_class = _OneRequestAtATimeServer


@pytest.fixture
def server_paused():
    """`with server_paused():` the live server answers no request meanwhile (a request in hand finishes first),
    so that the test thread's own queries (a service it calls, a count it checks) do not use the shared
    in-memory SQLite connection at the same time as a polling page's request ("database table is locked")."""

    @contextlib.contextmanager
    def paused():
        with _APP_LOCK:
            yield

    return paused


@pytest.fixture(autouse=True)
def _live_server_drains_before_the_flush(request):
    """A page that polls (the live console, the big screen, a judge's phone) may have a request in the server
    when its test ends: the server answers no more requests and the flush waits for the one in hand, else
    both use the shared SQLite connection at once ("database table is locked" in the teardown)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    _DRAINING.clear()
    yield
    _DRAINING.set()
    with _APP_LOCK:  # the request in hand, if any, is finished
        pass


@pytest.fixture(autouse=True)
def _fast_hashing_and_english_off(settings):
    # Fast hashing keeps the suite quick; the language stays the site's default (zh-hans).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    yield
    # A request in English (the language switch) leaves English active in this thread: the next
    # test starts in the site's language again, whatever ran before it.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush the database, data migrations included: load the reference data again."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from wuxiao.common.refdata import load_industries
        from wuxiao.orgs.refdata import load_zhengzhou_units

        load_industries()
        load_zhengzhou_units()


@pytest.fixture
def edition(db):
    return factories.EditionFactory()


@pytest.fixture
def recommending_unit(db):
    return factories.RecommendingUnitFactory()


@pytest.fixture
def declaring_unit(recommending_unit):
    return factories.DeclaringUnitFactory(parent=recommending_unit)


@pytest.fixture
def declarer(declaring_unit):
    return factories.user_with_role(Role.DECLARER, declaring_unit)


@pytest.fixture
def recommender(recommending_unit):
    return factories.user_with_role(Role.RECOMMENDER, recommending_unit)


@pytest.fixture
def committee(db):
    return factories.user_with_role(Role.COMMITTEE)


@pytest.fixture
def expert(db):
    return factories.user_with_role(Role.EXPERT)


@pytest.fixture
def site_admin(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def outsider(db):
    """A logged-in person with no role at all."""
    return factories.UserFactory()


@pytest.fixture
def user_of(request):
    """The user fixture named by a role string (None for anonymous)."""

    def get(role):
        return None if role == "anonymous" else request.getfixturevalue(role)

    return get


@pytest.fixture
def client_as(client, user_of):
    """A test client logged in as the role's user (anonymous stays logged out)."""

    def get(role):
        user = user_of(role)
        if user is not None:
            client.force_login(user)
        return client

    return get


# --- Browser tests: Playwright driving Debian's chromium (never `playwright install`) --------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make install-test` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.csp_errors = errors
    yield page
    context.close()


@pytest.fixture
def spooled(monkeypatch):
    """The temporary files Django's upload handlers create during the test: empty when nothing was spooled."""
    from django.core.files import uploadhandler

    created = []

    class Recording(uploadhandler.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            created.append(self.name)

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Recording)
    return created
