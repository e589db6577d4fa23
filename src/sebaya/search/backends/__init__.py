"""Lexical search backends: SQLite FTS5 and PostgreSQL full-text, chosen by the database in use."""

from sebaya.search.backends.base import (
    LexicalBackend,
    LexicalHit,
    Visibility,
    get_backend,
    visibility_for,
)

__all__ = ["LexicalBackend", "LexicalHit", "Visibility", "get_backend", "visibility_for"]
