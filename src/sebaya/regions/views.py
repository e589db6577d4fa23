"""Region pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "regions/list.html", {})


def detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "regions/detail.html", {})
