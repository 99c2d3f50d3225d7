"""Settings for the server started by ``bench/public_query.py``: the project's settings, with the
per-IP rate limit raised (every benchmark connection comes from 127.0.0.1) and SQLite tuned the way
the embedded default is. Everything else, including the rate-limit check itself, is unchanged."""

from config.settings import *  # noqa: F403
from config.settings import DATABASES, LASTMILE

LASTMILE = {**LASTMILE, "MEASURES": {"PUBLIC_QUERY_RATE": 10**9, "PUBLIC_QUERY_WINDOW_SECONDS": 60}}
DEBUG = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
    }
