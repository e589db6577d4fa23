"""Shared parameter types: strings a database accepts, patterns of slugs and region codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,140}$")
REGION_CODE_RE = re.compile(r"^[A-Za-z0-9.]{1,16}$")


def _printable(value: str) -> str:
    # PostgreSQL refuses NUL in text; other control characters are never part of a real value.
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("control character")
    return value


CleanStr = Annotated[str, AfterValidator(_printable)]


def enum_param(values: list[str]) -> Callable[[dict[str, Any]], None]:
    """Document an optional string parameter as one of `values`; the endpoint checks them."""

    def extra(schema: dict[str, Any]) -> None:
        schema.pop("anyOf", None)
        schema.update(type="string", enum=list(values))

    return extra
