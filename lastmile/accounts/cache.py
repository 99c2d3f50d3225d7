"""The cache every process shares on the embedded default: Django's database cache, with an
``incr`` that cannot lose a count.

Rate limits and login throttling count in the cache, and the web runs as several processes (and
behind a load balancer, on several machines), so a per-process memory cache would give every
process its own budget. The database is already shared by all of them; no extra server is needed.
Django's own ``DatabaseCache.incr`` reads then writes, so two processes counting at the same moment
can both write the same number; here the write is a compare-and-swap on the stored value and is
retried, so every hit is counted. With ``LASTMILE_CACHE_URL`` set, Redis is used instead (its INCR
is atomic).
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils import timezone

_CAS_ATTEMPTS = 50


class DatabaseCache(DjangoDatabaseCache):
    """``django.core.cache.backends.db.DatabaseCache`` with an atomic ``incr``/``decr``."""

    def _encode(self, value: Any) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        db_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        # Only identifiers, quoted by the backend, are formatted in; every value is a parameter.
        sql = "UPDATE {table} SET {value} = %s WHERE {key} = %s AND {value} = %s AND {expires} > %s".format(  # noqa: S608
            table=quote_name(self._table),  # type: ignore[attr-defined]
            value=quote_name("value"),
            key=quote_name("cache_key"),
            expires=quote_name("expires"),
        )
        for _ in range(_CAS_ATTEMPTS):
            current = self.get(key, version=version)
            if current is None:
                raise ValueError(f"Key '{key}' not found")
            new = current + delta
            now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
            with connection.cursor() as cursor:
                cursor.execute(sql, [self._encode(new), db_key, self._encode(current), now])
                if cursor.rowcount == 1:
                    return new
        raise RuntimeError(f"cache counter {key!r} is too contended")
