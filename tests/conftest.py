"""Shared fixtures: factories are per app (tests/<app>/factories.py)."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
