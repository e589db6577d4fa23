"""Values every page template needs."""

from typing import Any

from django.http import HttpRequest

import sebaya


def site(request: HttpRequest) -> dict[str, Any]:
    return {"sebaya_version": sebaya.__version__}
