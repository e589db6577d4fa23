"""Exceptions shared by the services of every app."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The write is valid in itself but not in the record's present state (a workflow step taken
    twice, a stale version). Pages show it like any validation error; the API answers 409."""
