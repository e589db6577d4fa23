"""First loads are light (at most 60 KB compressed: HTML, CSS, JS) and fit a phone screen.

Measured in Chromium: every document, stylesheet and script the first visit loads (the service
worker's script included), each compressed with gzip as the production server sends it.
"""

import gzip

import pytest
from django.core.management import call_command

from sebaya.innovations.models import Innovation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 60 * 1024
KINDS = {"document", "stylesheet", "script"}


def _first_load(page, url: str) -> tuple[dict[str, int], int]:
    sizes: dict[str, int] = {}

    def record(response) -> None:
        if response.request.resource_type in KINDS and response.ok:
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    page.on("response", record)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    # Readable on a small phone: nothing wider than the screen (no sideways scrolling).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    return sizes, width


def test_first_loads_fit_the_budget(live_server, browser, record_property):
    call_command("demo", verbosity=0)
    slug = Innovation.objects.get(external_id="pekalongan-lab-kemiskinan").slug
    over = []
    for path in ("/praktik/", f"/praktik/{slug}/", "/", "/cari/?q=kemiskinan+ekstrem"):
        # A new context per page: a first visit, nothing cached yet.
        context = browser.new_context(viewport={"width": 390, "height": 844})
        sizes, width = _first_load(context.new_page(), live_server.url + path)
        context.close()
        assert width <= 390, f"{path} is {width} px wide on a 390 px phone screen"
        total = sum(sizes.values())
        record_property(f"compressed_bytes {path}", total)
        report = ", ".join(
            f"{u.rsplit('/', 1)[-1] or u}: {n / 1024:.1f} KB" for u, n in sizes.items()
        )
        print(f"\n{path}: {total / 1024:.1f} KB compressed ({report})")
        assert any(u.endswith(".css") for u in sizes), f"{path}: the stylesheet was not measured"
        if total > BUDGET:
            over.append(f"{path}: {total / 1024:.1f} KB ({report})")
    assert over == [], f"over the 60 KB budget: {over}"
