"""Settings come from SEBAYA_* variables; production settings pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from sebaya.settings.env import env_bool, env_int, env_list


def _run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A production process starts from a clean environment: drop what the test run itself set
    # (the browser tests allow async-unsafe ORM calls, which check --deploy rightly rejects).
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "sebaya", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """`check --deploy` reports no issue at all with production settings and a real key."""
    result = _run_check(
        {
            "DJANGO_SETTINGS_MODULE": "sebaya.settings.production",
            "SEBAYA_SECRET_KEY": "k" * 20 + "-production-secret-from-the-environment-0123456789",
            "SEBAYA_ALLOWED_HOSTS": "sebaya.example.org",
            "SEBAYA_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SEBAYA_SECRET_KEY"}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "sebaya.settings.production", "SEBAYA_VAR_DIR": str(tmp_path)}
    )
    result = subprocess.run(
        [sys.executable, "-m", "sebaya", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SEBAYA_SECRET_KEY" in result.stderr


def test_env_readers_parse_and_reject(monkeypatch):
    monkeypatch.setenv("SEBAYA_X_BOOL", "yes")
    monkeypatch.setenv("SEBAYA_X_INT", "42")
    monkeypatch.setenv("SEBAYA_X_LIST", "a.example, b.example ,")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("SEBAYA_X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SEBAYA_X_BOOL"):
        env_bool("X_BOOL")
    monkeypatch.setenv("SEBAYA_X_INT", "many")
    with pytest.raises(ImproperlyConfigured, match="SEBAYA_X_INT"):
        env_int("X_INT", 1)


def test_database_url_selects_the_engine(settings):
    """The suite runs on whichever database SEBAYA_DATABASE_URL names (SQLite by default)."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("SEBAYA_DATABASE_URL", "").startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    elif not os.environ.get("SEBAYA_DATABASE_URL"):
        assert engine == "django.db.backends.sqlite3"
