"""Progress of long imports: a bar on the terminal, and a shared record that the site polls."""

from __future__ import annotations

import time
from typing import Any, TextIO

from django.utils.translation import gettext as _


def stage_label(stage: str) -> str:
    if stage == "check":
        return _("Memeriksa baris")
    if stage == "write":
        return _("Menulis")
    return stage


class ProgressBar:
    """`[#######.............]  35% Menulis 350/1000` on one line of a terminal (stderr)."""

    WIDTH = 30

    def __init__(self, stream: TextIO | Any, *, min_interval: float = 0.1) -> None:
        self.stream = stream
        self.min_interval = min_interval
        self._last = 0.0
        self._shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.min_interval:
            return
        self._last = now
        share = done / total if total else 1.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        text = f"\r[{bar}] {share:4.0%} {stage_label(stage)} {done}/{total}"
        # Django's OutputWrapper adds a newline unless told otherwise.
        stream: Any = self.stream
        if hasattr(stream, "style_func"):
            stream.write(text, ending="")
        else:
            stream.write(text)
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            if hasattr(self.stream, "style_func"):
                self.stream.write("")
            else:
                self.stream.write("\n")
            self._shown = False


# The site's progress bar reads what the Huey job writes into Huey's own key-value storage
# (the SQLite file or Redis that the web processes and the worker share); the import's own
# transaction cannot carry it, since nothing it writes is visible before it commits.


def _key(job_id: int) -> str:
    return f"sebaya:exchange:progress:{job_id}"


def set_job_progress(job_id: int, stage: str, done: int, total: int) -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.put(_key(job_id), {"stage": stage, "done": done, "total": total})


def job_progress(job_id: int) -> dict[str, Any] | None:
    from huey.contrib.djhuey import HUEY

    value = HUEY.get(_key(job_id), peek=True)
    return value if isinstance(value, dict) else None


def clear_job_progress(job_id: int) -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.get(_key(job_id))  # reading without peek removes the value
