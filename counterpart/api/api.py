"""The REST API, mounted at /api/: one django-ninja router per domain, all calling the domain layer.

Every error is ``{"errors": [{"field", "value", "message"}]}``: InvalidInput from the services
(422, in the request's language), request validation (422, the field path as sent), unknown or
out-of-scope records (404 — never 403 for what a user may not see), read-only users writing (403),
missing or bad tokens (401).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext

from counterpart.core.errors import InvalidInput
from counterpart.people.identity import identity_mask

from .auth import TokenAuth
from .routers import (
    assessments,
    assistance,
    corrections,
    enterprise,
    enterprise_setup,
    funds,
    indicators,
    people,
    projects,
    registry,
    reports,
    setup,
)


class CounterpartAPI(NinjaAPI):
    """NinjaAPI that keeps each refused input value, so that an error names the field and the value."""

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False, include_context=False):
                location = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                errors.append(dict(error) | {"loc": (model.__ninja_param_source__, *location)})
        return ValidationError(errors)


api = CounterpartAPI(
    title="Counterpart API",
    version="1",
    description=(
        "东西部协作平台接口 — East–West pairing-off programs: areas, programs, pairings, the funds ledger, "
        "projects, people, enterprises, indicators and the annual report. Bearer tokens from "
        "`counterpart api-token USER`; money in integer fen; identity numbers only masked. See docs/api.md."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return str(value)


def _errors(request: HttpRequest, status: int, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(InvalidInput)
def _invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return _errors(request, 422, [{"field": exc.field, "value": _jsonable(exc.value), "message": str(exc.reason)}])


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "code") → "code"; ("query", "year") → "year"
        field_path = location[2:] if location[:1] == ["body"] else location[1:]
        field = ".".join(field_path) or None
        value = error.get("input")
        if isinstance(value, dict | list):
            value = None  # a whole body or list: the field path says where, and it may hold personal data
        elif field and "identity" in field:
            value = identity_mask(str(value))
        items.append({"field": field, "value": _jsonable(value), "message": str(error.get("msg", ""))})
    return _errors(request, 422, items)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _errors(request, 404, [{"field": None, "value": None, "message": "not found"}])


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    # The policy's own words (access.policy: "your role may not take this action"), as the web shows them.
    message = str(exc) or "read-only for this user"
    return _errors(request, 403, [{"field": None, "value": None, "message": message}])


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _errors(
        request, 401, [{"field": "Authorization", "value": None, "message": "a valid bearer token is required"}]
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _errors(request, exc.status_code, [{"field": None, "value": None, "message": str(exc)}])


@api.get("/", auth=None, include_in_schema=False, url_name="index")
def index(request: HttpRequest) -> dict[str, Any]:
    """The API's front door: its version and where its contract and documentation are."""
    return {
        "title": api.title,
        "version": api.version,
        "schema": request.build_absolute_uri(reverse("api:openapi-json")),
        "docs": request.build_absolute_uri(reverse("api:openapi-view")),
        "guide": "docs/api.md",
    }


api.add_router("/", registry.router)
api.add_router("/", funds.router)
api.add_router("/", projects.router)
api.add_router("/", people.router)
api.add_router("/", enterprise.router)
api.add_router("/", enterprise_setup.router)
api.add_router("/", indicators.router)
api.add_router("/", assessments.router)
api.add_router("/", reports.router)
api.add_router("/", setup.router)
api.add_router("/", assistance.router)
api.add_router("/", corrections.router)
