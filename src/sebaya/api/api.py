"""The public API under /api/v1/: each app contributes its router from its own api.py."""

from ninja import NinjaAPI

import sebaya

api = NinjaAPI(
    title="Sebaya API",
    version="1",
    description=(
        "Open API of Sebaya: practices (inovasi), regions (wilayah) and indicators. "
        "Read endpoints need no account."
    ),
    urls_namespace="api",
)


def _register() -> None:
    from sebaya.innovations.api import router as innovations_router
    from sebaya.regions.api import router as regions_router

    api.add_router("/practices", innovations_router, tags=["practices"])
    api.add_router("/regions", regions_router, tags=["regions"])


_register()
api.version_info = sebaya.__version__  # type: ignore[attr-defined]
