"""schemathesis over every operation of /api/openapi.json (issue 8, item 17).

Each operation is called with generated inputs, as a declaring unit and as the committee office
(bearer tokens), in the WSGI application itself. Checks: no server error, the status code is
declared, and the body matches the declared schema. Generated small ids are mapped onto the
fixture's own entries, units, attachments and edition, so that requests reach real objects and
their decisions, not only 404s; each call runs in a savepoint that is rolled back, so every
example starts from the same data. Examples are few per operation, to keep the run short.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from wuxiao.accounts.models import Role
from wuxiao.api import api
from wuxiao.common import api_auth
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Attachment

from .. import factories

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 10
# Rendering a PDF or Word form takes about a second: a few examples are enough to reach both branches.
FEW_EXAMPLES = {"/api/entries/{entry_id}/documents/form.pdf": 3, "/api/entries/{entry_id}/documents/form.docx": 3}


@pytest.fixture
def connection_kept():
    # The test database is one transaction: a request must not close its connection, as Django's own
    # test client ensures by the same means.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    # Read once per module; the request reads no rows, but the middleware opens the database.
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture
def world(db, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    edition = factories.EditionFactory(is_current=True)
    recommending = factories.RecommendingUnitFactory()
    unit = factories.DeclaringUnitFactory(parent=recommending)
    make = factories.EntryFactory
    entries = [
        make(edition=edition, declaring_unit=unit, status=EntryStatus.DRAFT),
        make(edition=edition, declaring_unit=unit, status=EntryStatus.SUBMITTED, submitted_at=timezone.now()),
        make(edition=edition, declaring_unit=unit, status=EntryStatus.RECOMMENDED, submitted_at=timezone.now(),
             recommendation_rank=1),
    ]
    attachment = Attachment.objects.create(entry=entries[0], kind="photo", original_name="照片.jpg", size=3,
                                           content_type="image/jpeg", file=ContentFile(b"jpg", name="test.jpg"))
    tokens = {}
    for role, user in (("declarer", factories.user_with_role(Role.DECLARER, unit)),
                       ("committee", factories.user_with_role(Role.COMMITTEE))):
        tokens[role] = api_auth.create_api_token(actor=user, name="fuzz")[1]
    return {"slug": edition.slug, "tokens": tokens,
            "ids": {"entry_id": [e.pk for e in entries], "unit_id": [recommending.pk, unit.pk],
                    "attachment_id": [attachment.pk], "unit": [recommending.pk], "parent": [recommending.pk],
                    "recommending_unit": [recommending.pk]}}


def aim_at_fixtures(case, world) -> None:
    """Small generated ids become the fixture's objects; large ones stay, to be refused or not found."""
    for parameters in (case.path_parameters, case.query):
        if not parameters:
            continue
        for name, known in world["ids"].items():
            value = parameters.get(name)
            if isinstance(value, int) and 0 <= value < 1000:
                parameters[name] = known[value % len(known)]
        if "slug" in parameters and len(str(parameters["slug"])) % 2 == 0:
            parameters["slug"] = world["slug"]


# The operations, read from the same document /api/openapi.json serves; one test per operation and role.
OPERATIONS = [(method.upper(), path) for path, ops in api.get_openapi_schema()["paths"].items() for method in ops]


@pytest.mark.parametrize("role", ["declarer", "committee"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api(api_schema, connection_kept, world, method, path, role):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}

    @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
    @settings(max_examples=FEW_EXAMPLES.get(path, EXAMPLES), deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call_and_validate(case):
        aim_at_fixtures(case, world)
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    call_and_validate()
