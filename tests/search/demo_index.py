"""The demo corpus, indexed with vectors, for the tests of the search service and its pages."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from django.core.management import call_command

from sebaya.innovations.models import Innovation
from sebaya.search import semantic

# Vectors of the real model, kept for the whole test session by passage text: every test
# loads the same 22 practices, and computing them again would cost seconds per test.
_VECTORS: dict[str, np.ndarray] = {}
_embed_passages = semantic.embed_passages


def _remembered_embed_passages(texts: Sequence[str]) -> np.ndarray:
    missing = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if missing:
        for text, vector in zip(missing, _embed_passages(missing), strict=True):
            _VECTORS[text] = vector
    return np.stack([_VECTORS[t] for t in texts]) if texts else _embed_passages(texts)


def build_demo_index(monkeypatch: pytest.MonkeyPatch) -> dict[str, Innovation]:
    """Load the demo (22 sourced practices) and index it with vectors; practices by external id.

    Run it inside django_capture_on_commit_callbacks(execute=True) so the index's after-commit
    work happens as it would after a real commit.
    """
    from sebaya.search.indexing import reindex_all

    monkeypatch.setattr(semantic, "embed_passages", _remembered_embed_passages)
    # A fresh process-wide vector index: the one of an earlier test knew another database.
    semantic._index = None
    call_command("demo", verbosity=0)
    reindex_all()
    return {i.external_id: i for i in Innovation.objects.all()}
