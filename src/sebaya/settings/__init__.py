"""Default settings: a laptop set-up, configured from SEBAYA_* environment variables."""

from sebaya.settings.base import *  # noqa: F403
