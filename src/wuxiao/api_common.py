"""What every router of the REST API shares: its error bodies, bounded numbers and pages.

Numbers a client sends are bounded in their type, so that none reaches the database outside the
range of its column: SQLite raises OverflowError and PostgreSQL a DataError for those, both a
server error. tests/api/test_schema.py checks that every integer input of the schema has bounds.
"""

from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Primary keys are BigAutoField (settings.DEFAULT_AUTO_FIELD): 64-bit on both databases.
ID_MAX = 2**63 - 1
# PositiveIntegerField (merit ranks, batch versions): 32-bit on PostgreSQL.
COUNT_MAX = 2**31 - 1
# Far beyond the last page of any list; a page after the last is empty, never an error.
PAGE_MAX = 1_000_000

Id = Annotated[int, Field(ge=1, le=ID_MAX, description="A number (id) given by the platform.")]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
PageNumber = Annotated[int, Field(ge=1, le=PAGE_MAX)]


class ErrorOut(Schema):
    """Every refusal (400, 401, 403, 404, 409, 413, 429, 501): a sentence in the caller's language."""

    detail: str


class RefusedOut(ErrorOut):
    """A refused decision (409), with the input it belongs to."""

    field: str | None = Field(None, description="The input the refusal belongs to, when there is one.")


class InvalidOut(Schema):
    """422: inputs of the wrong form, in pydantic's list, and one sentence naming them. Input that
    failed the page's own form (common.exceptions.InvalidInput) also has each input's messages,
    the same as the page shows beside the field."""

    detail: list[dict[str, Any]]
    message: str
    field: str | None = Field(None, description="The first input that is wrong, when a form said so.")
    errors: dict[str, list[str]] = Field(default_factory=dict,
                                         description="Each wrong input (completers.0.age …) and its messages.")


class Pagination(PageNumberPagination):
    """ninja's page numbers, bounded (an unbounded page makes an offset no database accepts)."""

    class Input(Schema):
        page: PageNumber = 1
        page_size: int | None = Field(None, ge=1, le=100)


def document_common_answers(schema: dict) -> dict:
    """Declare in every operation the answers any operation may give: 401 when it needs a login, 400 when its
    body cannot be parsed, 422 when it takes inputs (ninja answers these before the view runs, so the views
    cannot declare them themselves)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, model in (("ErrorOut", ErrorOut), ("InvalidOut", InvalidOut)):
        components.setdefault(name, model.model_json_schema(ref_template="#/components/schemas/{model}"))

    def answer(name: str, description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}

    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            if operation.get("security"):
                responses.setdefault(401, answer("ErrorOut", "Not logged in, or no valid API token"))
            if operation.get("requestBody"):
                responses.setdefault(400, answer("ErrorOut", "A request body that cannot be read"))
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(422, answer("InvalidOut", "Inputs of the wrong form"))
    return schema


def edition_or_404(slug: str | None):
    """The edition named by `slug` (the current one when none is given), or a 404 in the caller's language."""
    from ninja.errors import HttpError

    from wuxiao import api_messages as msg
    from wuxiao.competitions.models import Edition

    edition = Edition.objects.filter(slug=slug).first() if slug else Edition.objects.current()
    if edition is None:
        raise HttpError(404, str(msg.EDITION_NOT_FOUND if slug else msg.NO_EDITION))
    return edition
