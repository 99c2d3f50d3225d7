"""Abuse limits shared by every web process: who the client really is, how often it may ask,
and how many wrong passwords an account or an address may try.

Request rate limits count in a table every process shares (``accounts.RateCounter`` on
PostgreSQL, one atomic statement per request; beside a SQLite database, a table in memory shared
by the host's processes, :mod:`lastmile.accounts.host_counters`); login
failures and locks live in the ``default`` cache, which is shared by all processes (the database
cache on the embedded default, Redis when ``LASTMILE_CACHE_URL`` is set; see
:mod:`lastmile.accounts.cache`).

The client's address is ``REMOTE_ADDR`` unless the peer is one of the reverse proxies listed in
``settings.LASTMILE_TRUSTED_PROXIES``; then it is the right-most address in X-Forwarded-For that
is not itself a trusted proxy (each proxy appends the address it received the request from, so
everything left of that is what the client claimed and cannot be believed).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from lastmile.core.db import prepared_cursor

from . import host_counters
from .host_counters import HostCounters

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = "unknown"


# --- the real client address ------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """The reverse proxies whose X-Forwarded-For is believed (``LASTMILE_TRUSTED_PROXIES``:
    addresses or CIDR networks; empty by default, so the header is ignored)."""
    entries = getattr(settings, "LASTMILE_TRUSTED_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(entries))


@lru_cache(maxsize=1024)  # the same few addresses ask again and again; parsing is pure
def _parse(text: str) -> IPAddress | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [IPv6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``, as far as it can be known.

    A client talking to us directly cannot change its key by sending X-Forwarded-For: the header
    is only read when the peer is a trusted proxy."""
    peer = _parse(str(request.META.get("REMOTE_ADDR", "")))
    if peer is None:
        return UNKNOWN
    networks = trusted_proxies()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed([h for h in hops if h.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage left of here was written by the client: the last good hop stands
        if not _trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)


@lru_cache(maxsize=1024)
def address_bucket(address: str) -> str:
    """What one client is counted as: an IPv4 address, or the /64 an IPv6 client is given
    (a host chooses freely among the 2^64 addresses of its network)."""
    parsed = _parse(address)
    if parsed is None:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


# --- shared counters --------------------------------------------------------------------------


def _cache() -> Any:
    return caches["default"]


def counter_hit(key: str, *, window: int) -> int:
    """Count one event under ``key`` and return the count in the current window.

    The window opens with the first event and lasts ``window`` seconds (a fixed window: the
    increments keep the key's original expiry)."""
    cache = _cache()
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


# One statement per request: insert the key's first hit, or count one more in the open window, or
# restart the count when the window has ended; the count is returned. Atomic on SQLite (≥ 3.35) and
# PostgreSQL, so concurrent processes never lose a hit. Only identifiers are formatted in.
_HIT_SQL = (
    "INSERT INTO {t} ({key}, {hits}, {exp}) VALUES (%s, 1, %s) "
    "ON CONFLICT ({key}) DO UPDATE SET "
    "{hits} = CASE WHEN {t}.{exp} > %s THEN {t}.{hits} + 1 ELSE 1 END, "
    "{exp} = CASE WHEN {t}.{exp} > %s THEN {t}.{exp} ELSE excluded.{exp} END "
    "RETURNING {hits}"
)
_PURGE_SQL = "DELETE FROM {t} WHERE {exp} <= %s"
# Ended windows are deleted by one in this many hits of a process (lazily; a row whose window has
# ended counts as 0 anyway, so a late purge only costs space).
PURGE_EVERY = 1000
_hits_since_purge = 0


@lru_cache(maxsize=4)
def _statements(vendor: str, table: str) -> tuple[str, str]:
    from django.db import connection

    q = connection.ops.quote_name
    names = {"t": q(table), "key": q("key"), "hits": q("hits"), "exp": q("expires_ms")}
    return _HIT_SQL.format(**names), _PURGE_SQL.format(**names)


def window_hit(key: str, *, window: int, now: float | None = None) -> int:
    """Count one event under ``key`` in the rate-counter table and return the count in its
    window. The window opens with the first event and lasts ``window`` seconds (a fixed window,
    as :func:`counter_hit`); ``now`` is seconds since the epoch (default: the wall clock).

    On PostgreSQL the table is ``accounts.RateCounter`` (UNLOGGED): web processes on several
    hosts share it. Beside a SQLite database file (one host by nature) the counters live in the
    host's shared-memory table (:mod:`lastmile.accounts.host_counters`), and only when that table
    has no slot for the key, in a SQLite file of their own (:func:`_sqlite_counters`; a key that
    moved between the two in one window would be counted in parts, which takes a table of live
    windows for 131,072 clients). Either way an anonymous request never waits for the court's
    write lock (a document batch or the demo's simulation writing beside it) to count itself."""
    from django.db import connection

    from .models import RateCounter

    now_ms = int((time.time() if now is None else now) * 1000)
    params: list[str | int] = [key, now_ms + window * 1000, now_ms, now_ms]
    path = _counters_path() if connection.vendor == "sqlite" else None
    if path is not None:
        table = _host_counters(path)
        if table is not None:
            count = table.hit(key, window_ms=window * 1000, now_ms=now_ms)
            if count is not None:
                return count
        counters = _sqlite_counters(path)  # no table here, or no slot free in it: in SQLite
        with counters:  # one transaction: the upsert, and now and then the purge
            count = int(counters.execute(_SQLITE_HIT, params).fetchone()[0])
            if _purge_due():
                counters.execute(_SQLITE_PURGE, [now_ms])
        return count
    hit_sql, purge_sql = _statements(connection.vendor, RateCounter._meta.db_table)
    with prepared_cursor() as cursor:  # planned once per connection on PostgreSQL
        cursor.execute(hit_sql, params)
        count = int(cursor.fetchone()[0])
        if _purge_due():
            cursor.execute(purge_sql, [now_ms])
    return count


def _purge_due() -> bool:
    """Count one hit of this process; True once every :data:`PURGE_EVERY` hits."""
    global _hits_since_purge
    _hits_since_purge += 1
    if _hits_since_purge < PURGE_EVERY:
        return False
    _hits_since_purge = 0
    return True


_SQLITE_NAMES = {"t": "rate_counter", "key": "key", "hits": "hits", "exp": "expires_ms"}
_SQLITE_HIT = _HIT_SQL.format(**_SQLITE_NAMES).replace("%s", "?")
_SQLITE_PURGE = _PURGE_SQL.format(**_SQLITE_NAMES).replace("%s", "?")
_SQLITE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rate_counter "
    "(key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_ms INTEGER NOT NULL)"
)
_local = threading.local()


def _counters_path() -> str | None:
    """The rate counters' file of a SQLite deployment: ``<database>-counters`` beside the
    database; ``None`` for an in-memory database (the test suite's), which keeps the counters in
    ``accounts.RateCounter``."""
    from django.db import connection

    return connection.sidecar_path("counters")  # type: ignore[attr-defined]  # lastmile.core.sqlite


_tables: dict[str, HostCounters] = {}


def _host_counters(path: str) -> HostCounters | None:
    """This process's view of the host's shared table for the counters beside ``path``
    (:mod:`lastmile.accounts.host_counters`), or ``None`` where file locks are missing."""
    if not host_counters.available():
        return None
    table = _tables.get(path)
    if table is None:
        table = _tables.setdefault(path, HostCounters(path))
    return table


def _sqlite_counters(path: str) -> sqlite3.Connection:
    """This thread's connection to the rate counters' file ``path``, created on first use.
    Counters are not records: it runs without fsync (``synchronous=OFF``; a crash may lose the
    last counts, never the court's data) and has a write lock of its own."""
    cached = getattr(_local, "counters", None)
    if cached is not None and cached[0] == path:
        return cached[1]
    conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=True)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute(_SQLITE_SCHEMA)
    conn.isolation_level = "IMMEDIATE"  # ``with conn:`` opens BEGIN IMMEDIATE … COMMIT
    _local.counters = (path, conn)
    return conn


def rate_limited(*, scope: str, address: str, limit: int, window: int) -> bool:
    """Count one request of ``address`` in ``scope``; True when it is over ``limit`` per window.

    Counted in the database every process shares with one atomic statement
    (:func:`window_hit`), not in the cache: the database cache takes four statements per hit."""
    return window_hit(f"rate:{scope}:{address_bucket(address)}", window=window) > limit


# --- login throttling -------------------------------------------------------------------------

LOGIN_DEFAULTS: dict[str, int] = {
    # wrong passwords for one username within the window before it is locked
    "MAX_FAILURES": 5,
    # wrong passwords from one client address (any usernames) before the address is locked
    "MAX_FAILURES_PER_ADDRESS": 20,
    "WINDOW_SECONDS": 15 * 60,
    "LOCKOUT_SECONDS": 15 * 60,
}


def login_setting(name: str) -> int:
    """``settings.LASTMILE["LOGIN_THROTTLE"][name]``, else :data:`LOGIN_DEFAULTS`."""
    configured = getattr(settings, "LASTMILE", {}).get("LOGIN_THROTTLE", {}) or {}
    return int(configured.get(name, LOGIN_DEFAULTS[name]))


def _user_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()[:32]
    return f"u:{digest}"


def _address_key(address: str) -> str:
    return f"a:{address_bucket(address)}"


@dataclass(frozen=True)
class LoginLock:
    seconds_left: int

    @property
    def message(self) -> str:
        from django.utils.translation import gettext as _

        minutes, seconds = divmod(self.seconds_left, 60)
        wait = (
            _("%(m)d分%(s)d秒") % {"m": minutes, "s": seconds} if minutes else _("%(s)d秒") % {"s": seconds}
        )
        return _("登录失败次数过多，已暂时锁定，请稍后再试。剩余等待时间：%(wait)s。") % {"wait": wait}


def _lock_left(key: str, now: datetime) -> int:
    until = _cache().get(f"login-lock:{key}")
    if until is None:
        return 0
    return max(0, math.ceil(float(until) - now.timestamp()))


def login_lock(*, username: str, address: str, now: datetime) -> LoginLock | None:
    """The lock in force on this username or this address at ``now``, if any."""
    left = max(_lock_left(_user_key(username), now), _lock_left(_address_key(address), now))
    return LoginLock(left) if left > 0 else None


def _count_failure(key: str, limit: int, now: datetime) -> None:
    window = login_setting("WINDOW_SECONDS")
    if counter_hit(f"login-fail:{key}", window=window) >= limit:
        lockout = login_setting("LOCKOUT_SECONDS")
        _cache().set(f"login-lock:{key}", now.timestamp() + lockout, timeout=lockout)
        _cache().delete(f"login-fail:{key}")


def login_failed(*, username: str, address: str, now: datetime) -> LoginLock | None:
    """Record a wrong password (for any username, existing or not, so that the answer does not
    tell which accounts exist); returns the lock this failure started or found, if any."""
    _count_failure(_user_key(username), login_setting("MAX_FAILURES"), now)
    _count_failure(_address_key(address), login_setting("MAX_FAILURES_PER_ADDRESS"), now)
    return login_lock(username=username, address=address, now=now)


def login_succeeded(*, username: str) -> None:
    """A correct password resets the username's failures. The address's count is kept: one
    valid account must not wash away the failures of a password-spraying address."""
    _cache().delete(f"login-fail:{_user_key(username)}")
