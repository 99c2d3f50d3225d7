"""Django settings for Lastmile.

Everything that differs between a laptop and a court's data centre comes from the environment:

- ``DATABASE_URL``: PostgreSQL in production and CI (``postgres://user@host:5432/name``); when
  unset, an embedded SQLite database in ``LASTMILE_DATA_DIR`` (default ``./data``) in WAL mode.
- ``LASTMILE_SECRET_KEY``, ``LASTMILE_DEBUG``, ``LASTMILE_ALLOWED_HOSTS``.
- ``LASTMILE_DEMO``: demo mode (demo users, demo institution keys, the simulator); set by
  ``lastmile run`` on the embedded default, off otherwise.
- ``LASTMILE_HTTPS`` and friends: secure cookies, HSTS and the HTTPS redirect for production.

docs/configuration.md lists every variable; ``lastmile check --deploy`` refuses a production
configuration that is insecure or still has demo keys or demo users.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LASTMILE_DATA_DIR", BASE_DIR / "data"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_json_object(name: str) -> dict[str, str]:
    raw = os.environ.get(name, "").strip()
    try:
        value = json.loads(raw) if raw else {}
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object")
    return {str(k): str(v) for k, v in value.items()}


DEBUG = _env_bool("LASTMILE_DEBUG", False)
# Demo mode (lastmile.core.demo): on only when asked for; ``lastmile run`` on the embedded default
# asks for it. Production never sets it (``lastmile check --deploy`` refuses it).
DEMO = _env_bool("LASTMILE_DEMO", False)
# Only the embedded demo runs without a key; production sets LASTMILE_SECRET_KEY (the deploy
# check refuses this default).
DEMO_SECRET_KEY = "lastmile-embedded-demo-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("LASTMILE_SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("LASTMILE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("LASTMILE_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "lastmile.core",
    "lastmile.accounts",
    "lastmile.parties",
    "lastmile.cases",
    "lastmile.documents",
    "lastmile.ledger",
    "lastmile.service",
    "lastmile.measures",
    "lastmile.inquiry",
    "lastmile.valuation",
    "lastmile.filing",
    "lastmile.mediation",
    "lastmile.trial",
    "lastmile.enforcement",
    "lastmile.auction",
    "lastmile.watch",
    "lastmile.statistics",
    "lastmile.notifications",
    "lastmile.portal",
    "lastmile.simulation",
    "lastmile.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # GET /api/v1/public/dishonest on a lean path: the middleware below that an anonymous read uses
    "lastmile.portal.public_api.PublicQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # a view that met a busy database (SQLite's write lock not had in time): 503, not 500
    "lastmile.core.db.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lastmile" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lastmile.web.context_processors.navigation",
            ],
            "builtins": ["lastmile.core.templatetags.lastmile_format"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Every SQLite database (the embedded default, or a ``DATABASE_URL=sqlite:///…``) gets the same
# engine and options. The engine is Django's SQLite backend with a turnstile that keeps a busy
# writer from starving the others (lastmile.core.sqlite.base). WAL lets the web process read while
# the worker writes; IMMEDIATE transactions take the write lock up front so two writers queue
# instead of deadlocking; the busy timeout is how long a writer waits for the lock.
SQLITE_ENGINE = "lastmile.core.sqlite"
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000; "
        "PRAGMA foreign_keys=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 60,
}
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": str(DATA_DIR / "lastmile.sqlite3"),
            # Kept open between requests, as with DATABASE_URL: opening one (the pragmas, Django's
            # SQL functions, the turnstile's file) cost about 3.5 ms of CPU per request.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", SQLITE_ENGINE):
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["default"].setdefault("TEST", {"NAME": None})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:workbench"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lastmile" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True

# --- Cache (shared by every process: rate limits and login throttling) ----------------------
# The embedded default keeps the cache in the database all processes already share (the table is
# created by a migration of lastmile.accounts); LASTMILE_CACHE_URL=redis://host:6379/0 uses Redis
# instead (needs the ``redis`` package). Never a per-process memory cache: every process would
# grant its own budget.
_cache_url = os.environ.get("LASTMILE_CACHE_URL", "").strip()
CACHES: dict[str, dict[str, object]]
if _cache_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
else:
    CACHES = {
        "default": {
            "BACKEND": "lastmile.accounts.cache.DatabaseCache",
            "LOCATION": "lastmile_cache",
            # culling must not let a flood of addresses wash away the counters of the others
            "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
        }
    }
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks, comma-separated).
# Empty: the client is REMOTE_ADDR and X-Forwarded-For is ignored.
LASTMILE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("LASTMILE_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("LASTMILE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "documents", "inquiry"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

# --- HTTPS (production) -----------------------------------------------------------------------
# LASTMILE_HTTPS=1 marks cookies Secure, sends HSTS and redirects plain HTTP to HTTPS. Behind a
# TLS-terminating proxy, LASTMILE_PROXY_SSL_HEADER names the header it sets (e.g.
# HTTP_X_FORWARDED_PROTO); only set it when the proxy overwrites that header on every request.
HTTPS = _env_bool("LASTMILE_HTTPS", False)
SESSION_COOKIE_SECURE = _env_bool("LASTMILE_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = _env_bool("LASTMILE_CSRF_COOKIE_SECURE", HTTPS)
SECURE_SSL_REDIRECT = _env_bool("LASTMILE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("LASTMILE_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("LASTMILE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("LASTMILE_HSTS_PRELOAD", HTTPS)
_proxy_ssl_header = os.environ.get("LASTMILE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LASTMILE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Lastmile domain settings ---------------------------------------------------------------
# Rules marked UNVERIFIED in docs/law.md are settings; see docs/configuration.md.
LASTMILE = {
    "DEMO": DEMO,
    "DEMO_PASSWORD": os.environ.get("LASTMILE_DEMO_PASSWORD", "lastmile2026"),
    # Case funds (lastmile.ledger); every key is explained in docs/funds.md.
    "FUNDS": {
        "DOUBLED_INTEREST_DAY_COUNT": "after_expiry_through_payment",
        "DOUBLED_INTEREST_BASE": "principal",
        "GENERAL_INTEREST_DAY_BASIS": 365,
        "PAYOUT_DUE_DAYS": 30,
        "UNCLAIMED_CLAIM_DAYS": 3,
        "LPR_FILE": None,
        "VIRTUAL_ACCOUNT_PREFIX": "",
    },
    # Batch filing (lastmile.filing); every key is explained in docs/filing.md.
    "FILING": {
        "CASE_TYPE_CODE": "民诉前调",
        "CAUSE": "金融借款合同纠纷",
        "CHUNK_ROWS": 100,
        "MAX_ROWS": 50_000,
        "MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
        "MAX_ANNUAL_RATE": "0.36",
        "MAX_OVERDUE_RATE": "0.54",
        "CHUNK_RETRIES": 3,
    },
    # Network inquiry and control (lastmile.inquiry); every key is explained in docs/inquiry.md.
    "INQUIRY": {
        "GATEWAY_URL": os.environ.get("LASTMILE_GATEWAY_URL", "http://127.0.0.1:8765"),
        "CALLBACK_URL": os.environ.get(
            "LASTMILE_INQUIRY_CALLBACK_URL", "http://127.0.0.1:8000/inquiry/callback/"
        ),
        # {institution code: HMAC key} as a JSON object; outside demo mode an institution not
        # listed here cannot send results.
        "KEYS": _env_json_object("LASTMILE_INQUIRY_KEYS"),
        "INSTITUTION_ORDER": ["wechatpay", "alipay", "bankcs", "hnrcu", "icbc", "ccb", "abc", "boc", "cfzq"],
        # 最低生活保障 × months per court (查封规定 2020 art. 3); UNVERIFIED placeholders.
        "LIVING_ALLOWANCE": {
            "default": {"monthly": "800.00", "months": 2},
            "湘0104": {"monthly": "930.00", "months": 2},
            "湘0702": {"monthly": "750.00", "months": 2},
            "湘0682": {"monthly": "700.00", "months": 2},
        },
        "RENEWAL_REMIND_DAYS": 15,
    },
    # Pre-suit mediation, batch trial and electronic service (lastmile.mediation, lastmile.trial,
    # lastmile.service); every key is explained in docs/financial-cases.md.
    "COURT_CASES": {
        "MEDIATION_DAYS": 30,
        "SMALL_CLAIMS_LIMIT": "50000.00",  # UNVERIFIED for Hunan (CPL 2023 art. 165: 50% of wage)
        "STATEMENT_FEE": "halved",  # "halved" | "none": fee printed on a 诉前调书 (UNVERIFIED)
        "CONFIRMATION_MEDIATOR_LABEL": "诉前调解中心",
        "PERFORMANCE_DAYS": 10,
        "HEARING_NOTICE_DAYS": 3,
        "HEARING_SLOT_MINUTES": 15,
        "SERVICE_ADAPTER": "lastmile.service.adapters.SimulatedServiceAdapter",
        "VIDEO_HEARING_ADAPTER": "lastmile.trial.adapters.PlaceholderVideoHearingAdapter",
        "VIDEO_HEARING_BASE_URL": "https://hearing.example.invalid/room/",
    },
    # Court statistics (lastmile.statistics); every key is explained in docs/statistics.md.
    "STATISTICS": {
        "TYPE_CODES": ["执", "执恢", "执保"],
        "EXCLUDED_TYPE_CODES": ["执恢", "执保", "诉前调确", "诉前调书"],
        "ROUNDING": "half_up",  # or "truncate"
        "PERCENT_PLACES": 2,
        "DAYS_PLACES": 2,
        "ACTUAL_CLOSING_METHODS": ["执行完毕", "终结执行"],
        "MONEY_BASIS": "closed",  # or "accepted"
        "TIME_LIMIT_MONTHS": 6,
    },
    # Legal documents (lastmile.documents); every key is explained in docs/documents.md.
    "DOCUMENTS": {
        "ROOT": os.environ.get("LASTMILE_DOCUMENTS_ROOT", ""),  # empty = MEDIA_ROOT/documents
        "SERIES_SUFFIX": True,  # 案号之一/之二 for later rulings of a case (UNVERIFIED practice)
        "SIGNATURE_ADAPTER": "lastmile.documents.seal.PlaceholderSealAdapter",
        "BATCH_WORKERS": 0,  # tasks per batch; 0 = one per core (`lastmile run` has a worker per core)
        "BATCH_LEASE_SECONDS": 300,
    },
}
