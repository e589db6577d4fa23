"""Who may read change history. Per-record pages ask their own app's policy as well."""

from __future__ import annotations

from typing import Any


class HistoryPolicy:
    def can_view_any(self, user: Any) -> bool:
        """The history of every record (the generic page): curators."""
        return bool(
            user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)
        )


history_policy = HistoryPolicy()
