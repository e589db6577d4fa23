"""Small SQL helpers shared by the apps."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL


def id_set(ids: Iterable[int]) -> RawSQL:
    """A subquery of the given ids, for `filter(pk__in=id_set(ids))`, passed as ONE parameter.

    `pk__in=[...]` makes one placeholder per id, which Django prepares and the driver parses
    one by one: with a search's 200-400 candidates that was 5-9 ms of Python per query, more
    than the database's own work. Ids are converted to int here, so nothing else can enter.
    """
    sql, params = id_set_sql(ids)
    return RawSQL(sql, params)  # noqa: S611 - constant SQL; the ids are one bound parameter


def id_set_sql(ids: Iterable[int]) -> tuple[str, tuple[object, ...]]:
    """The same subquery as SQL and its one parameter, for hand-written statements."""
    values = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", (values,)
    return "SELECT value FROM json_each(%s)", (json.dumps(values),)
