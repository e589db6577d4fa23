"""Pages speak Indonesian until the reader chooses English; the API negotiates as HTTP says."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class IndonesianFirstMiddleware:
    """Ignore the browser's Accept-Language on pages, so Indonesian stays the default.

    Many officials use browsers set to English; they still expect an Indonesian government
    tool in Indonesian. The language switch (a cookie) is the reader's explicit choice and wins.
    API clients keep standard Accept-Language negotiation. Must run before LocaleMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
