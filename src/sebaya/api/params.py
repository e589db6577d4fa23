"""Shared parameter types: strings a database accepts, patterns of slugs and region codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic.json_schema import WithJsonSchema

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,140}$")
REGION_CODE_RE = re.compile(r"^[A-Za-z0-9.]{1,16}$")


def _printable(value: str) -> str:
    # PostgreSQL refuses NUL in text; other control characters are never part of a real value.
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("control character")
    return value


#: What `_printable` accepts, stated in the OpenAPI document so that clients (and schemathesis)
#: know that control characters other than tab and line breaks are refused.
PRINTABLE_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]*$"

CleanStr = Annotated[
    str,
    AfterValidator(_printable),
    WithJsonSchema({"type": "string", "pattern": PRINTABLE_PATTERN}),
]


def enum_param(values: list[str]) -> Callable[[dict[str, Any]], None]:
    """Document an optional string parameter as one of `values`; the endpoint checks them.

    The empty string is part of the enum: like an absent parameter it means "any".
    """

    def extra(schema: dict[str, Any]) -> None:
        schema.pop("anyOf", None)
        schema.update(type="string", enum=["", *values])

    return extra


def year_param(schema: dict[str, Any]) -> None:
    """Document an optional year parameter with the range the endpoints accept (1900-2100)."""
    schema.pop("anyOf", None)
    schema.update(type="integer", minimum=1900, maximum=2100)
