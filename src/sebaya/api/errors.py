"""The API's one error format, {"detail": [{"field", "message"}]}, and handlers that make it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import Field

if TYPE_CHECKING:
    from ninja import NinjaAPI


class ErrorItem(Schema):
    field: str | None = Field(
        description="The query or path parameter at fault; null when the error is not about one."
    )
    message: str = Field(description="What is wrong, in the request's language.")


class ErrorResponse(Schema):
    """Every 4xx answer of the API has this shape."""

    detail: list[ErrorItem]


# Declare these on every operation so the OpenAPI document shows the error shape.
ERROR_RESPONSES: dict[int, type[Schema]] = {400: ErrorResponse, 404: ErrorResponse}


class ApiError(Exception):
    """Raised by endpoints to answer with the error format and a status code."""

    def __init__(
        self,
        status: int,
        errors: Iterable[tuple[str | None, str]],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.errors = [{"field": field, "message": message} for field, message in errors]
        self.headers = dict(headers or {})
        super().__init__(status, self.errors)


def not_found(message: str) -> ApiError:
    return ApiError(404, [(None, message)])


def bad_params(errors: Mapping[str, str]) -> ApiError:
    """A 400 for parameters whose values are not accepted, as {field: rejected value}."""
    return ApiError(
        400,
        [
            (field, _("Nilai “%(value)s” tidak dikenal.") % {"value": value[:100]})
            for field, value in errors.items()
        ],
    )


def error_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"detail": errors}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """An Indonesian (translatable) message for one pydantic error; pydantic's own are English."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Wajib diisi.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Harus berupa bilangan bulat.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Harus paling kecil %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Harus paling besar %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("Terlalu panjang: paling banyak %(limit)s karakter.") % {
            "limit": ctx.get("max_length", "")
        }
    if kind in ("string_pattern_mismatch", "value_error"):
        return _("Format tidak sah.")
    return _("Nilai tidak sah.")


def _field_of(error: Mapping[str, Any]) -> str | None:
    # loc is ("query", "page") or ("query", "filters", "page") and the like: keep the last name.
    names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    names = [n for n in names if n not in ("query", "path", "body", "header", "cookie")]
    return names[-1] if names else None


def _on_api_error(request: HttpRequest, exc: ApiError, *, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(request, error_body(exc.errors), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def _on_validation_error(
    request: HttpRequest, exc: ValidationError, *, api: NinjaAPI
) -> HttpResponse:
    # Bad parameters are the client's to fix: 400 like every other rejected value.
    errors = [{"field": _field_of(e), "message": _pydantic_message(e)} for e in exc.errors]
    return api.create_response(request, error_body(errors), status=400)


def _on_http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        message = _("Perlu masuk terlebih dahulu.")
    elif exc.status_code == 403:
        message = _("Tidak diizinkan.")
    else:
        message = str(exc)
    return api.create_response(
        request, error_body([{"field": None, "message": message}]), status=exc.status_code
    )


def _on_404(request: HttpRequest, exc: Http404, *, api: NinjaAPI) -> HttpResponse:
    return api.create_response(
        request, error_body([{"field": None, "message": _("Tidak ditemukan.")}]), status=404
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every error of the API answer in the one format."""
    # ninja types the handler's exception as "instance or class"; it always passes an instance.
    api.add_exception_handler(ApiError, lambda r, e: _on_api_error(r, cast(ApiError, e), api=api))
    api.add_exception_handler(
        ValidationError,
        lambda r, e: _on_validation_error(r, cast(ValidationError, e), api=api),
    )
    api.add_exception_handler(
        HttpError, lambda r, e: _on_http_error(r, cast(HttpError, e), api=api)
    )
    api.add_exception_handler(Http404, lambda r, e: _on_404(r, cast(Http404, e), api=api))


@csrf_exempt  # it writes nothing: a POST to an unknown path is a 404, not a CSRF failure
def unknown_endpoint(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Paths under /api/v1/ that match no endpoint answer 404 in the error format, not HTML."""
    body = error_body([{"field": None, "message": _("Alamat API tidak dikenal.")}])
    return JsonResponse(body, status=404)
