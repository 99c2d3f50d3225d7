"""Settings for the server started by ``bench/public_query.py``: the project's settings (SQLite as
every SQLite database of the project is configured: ``config.settings.SQLITE_OPTIONS``), with the
per-IP rate limit raised (every benchmark connection comes from 127.0.0.1). Everything else,
including the rate-limit check itself, is unchanged."""

from config.settings import *  # noqa: F403
from config.settings import LASTMILE

LASTMILE = {**LASTMILE, "MEASURES": {"PUBLIC_QUERY_RATE": 10**9, "PUBLIC_QUERY_WINDOW_SECONDS": 60}}
DEBUG = False
