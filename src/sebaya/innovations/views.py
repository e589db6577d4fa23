"""Catalogue and practice pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "innovations/catalogue.html", {})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "innovations/detail.html", {})
