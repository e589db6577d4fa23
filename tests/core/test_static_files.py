"""Production serves static files under hashed names with a year-long, immutable cache life."""

import json
import os
import subprocess
import sys

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
out = {}
for name in ("sebaya/css/sebaya.css", "sebaya/js/sebaya.js"):
    url = static(name)
    hashed = client.get(url, secure=True)
    plain = client.get("/static/" + name, secure=True)
    out[name] = {
        "url": url,
        "status": hashed.status_code,
        "cache": hashed.get("Cache-Control", ""),
        "plain_status": plain.status_code,
        "plain_cache": plain.get("Cache-Control", ""),
    }
print(json.dumps(out))
"""


def test_hashed_static_files_are_cached_for_a_year_others_briefly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sebaya.settings.production",
            "SEBAYA_SECRET_KEY": "k" * 20 + "-production-secret-from-the-environment-0123456789",
            "SEBAYA_ALLOWED_HOSTS": "testserver",
            "SEBAYA_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    files = json.loads(result.stdout.strip().splitlines()[-1])
    for name, seen in files.items():
        stem, suffix = name.rsplit(".", 1)
        # Templates link the hashed copy: a changed file gets a new address.
        assert seen["url"].startswith(f"/static/{stem}.") and seen["url"] != f"/static/{name}"
        assert seen["url"].endswith(f".{suffix}")
        assert seen["status"] == 200
        assert "max-age=315360000" in seen["cache"] and "immutable" in seen["cache"]
        # The unhashed address still answers, but is only kept for a short time.
        assert seen["plain_status"] == 200
        assert "immutable" not in seen["plain_cache"]
        assert "max-age=315360000" not in seen["plain_cache"]
