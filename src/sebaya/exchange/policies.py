"""The one permission policy for data exchange: imports, job logs, exports, backups."""

from __future__ import annotations

from typing import Any

from sebaya.innovations.policies import innovation_policy


def _is_curator(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )


class ExchangePolicy:
    """Imports touch every region's records, so only curators (staff) import or see job logs.

    Exports follow what the user may see: everyone gets published practices, curators drafts.
    """

    def can_import(self, user: Any) -> bool:
        return _is_curator(user) and innovation_policy.can_import(user)

    def can_view_job(self, user: Any, job: Any) -> bool:
        return _is_curator(user)

    def can_export(self, user: Any) -> bool:
        return True

    def can_export_drafts(self, user: Any) -> bool:
        return _is_curator(user)


exchange_policy = ExchangePolicy()
