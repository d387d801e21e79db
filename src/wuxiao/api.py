"""The REST API under /api/ (django-ninja): one NinjaAPI, one router per app.

Every operation needs a bearer token or a session unless it says `auth=None` (the public
configuration of editions and the list of recommending units). Errors are `{"detail": "..."}`
in the caller's language (Chinese by default). Interactive docs at /api/docs load Swagger UI
from our own static files, with no inline script, so they work offline under the site's CSP.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from wuxiao import api_messages as msg
from wuxiao.accounts.api import router as accounts_router
from wuxiao.api_common import document_common_answers
from wuxiao.awards.api import router as awards_router
from wuxiao.common.api_auth import API_AUTH
from wuxiao.common.exceptions import InvalidInput, Refused
from wuxiao.competitions.api import router as competitions_router
from wuxiao.documents.api import router as documents_router
from wuxiao.entries.api import router as entries_router
from wuxiao.finals.api import router as finals_router
from wuxiao.orgs.api import router as orgs_router
from wuxiao.review.api import router as second_round_router
from wuxiao.screening.api import router as screening_router
from wuxiao.screening.api_review import router as review_router


class ObjectParser(Parser):
    """Every JSON body of this API is an object: a list or a bare value is refused (ninja would
    otherwise fill a schema's defaults from it, and `POST /api/entries` with `[]` made a draft)."""

    def parse_body(self, request: HttpRequest):
        if (request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")
                and not request.POST and not request.FILES):
            # A form post without a single input (what many clients send for "no body") is an empty object:
            # an operation whose inputs are all optional (accepting an entry) answers as without a body.
            return {}
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data


class LocalSwagger(Swagger):
    """ninja's Swagger UI, started by a static script that reads its settings from a data attribute."""

    template = "ninja/wuxiao_swagger.html"


class WuxiaoAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_common_answers(super().get_openapi_schema(**kwargs))


api = WuxiaoAPI(
    title="wuxiao API",
    version="1",
    description=(
        "REST API of the wuxiao platform for workers' 五小 innovation competitions. "
        "Authenticate with `Authorization: Bearer <token>` (POST /api/auth/token) or with the "
        "browser session (unsafe methods then need the X-CSRFToken header). "
        "Error bodies are `{\"detail\": \"...\"}` in the language of the request (Chinese by default)."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    parser=ObjectParser(),
    # validatorUrl null: Swagger UI would otherwise load a badge from validator.swagger.io.
    docs=LocalSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)

api.add_router("/", accounts_router)
api.add_router("/", competitions_router)
api.add_router("/", orgs_router)
api.add_router("/", entries_router)
api.add_router("/", documents_router)
api.add_router("/", screening_router)
api.add_router("/", review_router)
api.add_router("/review/", second_round_router)
api.add_router("/finals/", finals_router)
api.add_router("/awards/", awards_router)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError):
    response = api.create_response(request, {"detail": str(msg.NOT_AUTHENTICATED)}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(msg.NOT_FOUND)}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied):
    """common.permissions.require refused: its message, or the general one."""
    return api.create_response(request, {"detail": str(exc) or str(msg.FORBIDDEN)}, status=403)


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused):
    """A domain rule said no (common.exceptions.Refused): 409 with the message and its input. Input
    that failed its form (InvalidInput): 422 in the shape of every 422 (api_common.InvalidOut)."""
    if isinstance(exc, InvalidInput):
        detail = [{"loc": ["body", name], "msg": message, "type": "form"}
                  for name, messages in exc.errors.items() for message in messages]
        return api.create_response(request, {"detail": detail, "message": str(exc.message), "field": exc.field,
                                             "errors": exc.errors}, status=422)
    return api.create_response(request, {"detail": str(exc.message), "field": exc.field}, status=409)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    detail = str(exc)
    # ninja's own English messages, put into the caller's language.
    if exc.status_code == 403 and detail == "CSRF check Failed":
        detail = str(msg.CSRF_FAILED)
    elif exc.status_code == 403 and detail == "Forbidden":
        detail = str(msg.FORBIDDEN)
    elif exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = str(msg.BAD_BODY)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError):
    """ninja's schema errors (wrong type, missing field): its list in `detail`, plus a sentence in the caller's language."""
    fields = [str(e.get("loc", [""])[-1]) for e in exc.errors]
    return api.create_response(request, {"detail": exc.errors,
                                          "message": str(msg.INVALID_INPUT) % {"fields": "、".join(fields)}},
                               status=422)
