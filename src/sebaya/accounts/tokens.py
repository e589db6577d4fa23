"""Personal access tokens: create (the secret is returned once), revoke, authenticate."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sebaya.accounts.models import PersonalAccessToken, TokenScope

TOKEN_PREFIX = "sby_"  # noqa: S105 - a public marker, not a secret
#: Live tokens a user may hold at once; more is a sign of tokens nobody tracks any more.
MAX_ACTIVE_TOKENS = 20
MAX_LIFETIME_DAYS = 366
#: last_used_at is written at most this often per token, so reads do not write on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def active_tokens(user: Any) -> QuerySet[PersonalAccessToken]:
    now = timezone.now()
    return PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


@transaction.atomic
def token_create(
    *,
    user: Any,
    name: str,
    scopes: Iterable[str],
    expires_in_days: int | None = 90,
) -> tuple[PersonalAccessToken, str]:
    """A new token for `user` and its secret (store it: it cannot be shown again)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Perlu masuk terlebih dahulu."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Nama token wajib diisi.")]
    elif len(name) > 100:
        errors["name"] = [_("Nama token paling panjang 100 karakter.")]
    wanted = list(dict.fromkeys(scopes))
    unknown = [s for s in wanted if s not in TokenScope.values]
    if unknown:
        errors["scopes"] = [_("Cakupan tidak dikenal: %(s)s.") % {"s": ", ".join(unknown)}]
    elif not wanted:
        errors["scopes"] = [_("Pilih setidaknya satu cakupan.")]
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        errors["expires_in_days"] = [
            _("Masa berlaku antara 1 dan %(max)d hari.") % {"max": MAX_LIFETIME_DAYS}
        ]
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
        errors.setdefault("name", []).append(
            _("Anda sudah punya %(n)d token aktif; cabut yang tidak dipakai lebih dulu.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(raw),
        scopes=[s for s in TokenScope.values if s in wanted],
        expires_at=(
            timezone.now() + datetime.timedelta(days=expires_in_days)
            if expires_in_days is not None
            else None
        ),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user: Any, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke a token. Its owner may; so may a curator (a leaked token must stop at once)."""
    is_curator = bool(getattr(user, "is_curator", False))
    if token.user_id != getattr(user, "pk", None) and not is_curator:
        raise PermissionDenied(_("Token ini bukan milik Anda."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> PersonalAccessToken | None:
    """The live token for this secret, with its user; None if unknown, revoked or expired."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = PersonalAccessToken.objects.select_related("user").filter(digest=digest_of(raw)).first()
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not token.user.is_active
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
