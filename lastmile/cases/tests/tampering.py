"""What an attacker with DBA rights (but not the audit key) does to the trail, for the tests."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from lastmile.cases import audit
from lastmile.cases.audit import GENESIS, event_payload
from lastmile.cases.models import CaseEvent


@contextmanager
def dba() -> Iterator[Any]:
    """Get past the append-only triggers: drop them (SQLite) or bypass them (PostgreSQL)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        else:
            cur.execute("DROP TRIGGER IF EXISTS cases_caseevent_no_update")
            cur.execute("DROP TRIGGER IF EXISTS cases_caseevent_no_delete")
        try:
            yield cur
        finally:
            if connection.vendor == "postgresql":
                cur.execute("SET session_replication_role = DEFAULT")


def sha256_digest(prev_hash: str, court_code: str, ev: CaseEvent) -> str:
    """The hash anyone can compute: what the chain used before it was keyed."""
    payload = event_payload(
        court_code=court_code,
        chain_index=ev.chain_index,
        case_id=ev.case_id,
        occurred_at=audit.canonical_time(ev.occurred_at),
        actor_id=ev.actor_id,
        actor_label=ev.actor_label,
        kind=ev.kind,
        summary=ev.summary,
        data=ev.data,
        legal_basis=ev.legal_basis,
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def rehash_from(court, start_index: int, digest=sha256_digest) -> None:
    """Recompute every hash from ``start_index`` to the end, and the head, as the attacker can."""
    with dba() as cur:
        rows = list(CaseEvent.objects.filter(court=court).order_by("chain_index"))
        prev = GENESIS
        for ev in rows:
            if ev.chain_index >= start_index:
                new = digest(prev, court.code, ev)
                # Park the old hash first: hashes are unique.
                cur.execute(
                    "UPDATE cases_caseevent SET prev_hash = %s, hash = %s WHERE id = %s",
                    [prev, new, ev.pk],
                )
                ev.hash = new
            prev = ev.hash
        cur.execute(
            "UPDATE cases_auditchainhead SET last_index = %s, last_hash = %s WHERE court_id = %s",
            [rows[-1].chain_index if rows else 0, prev, court.pk],
        )


def set_index(cur, event_id: int, index: int) -> None:
    cur.execute("UPDATE cases_caseevent SET chain_index = %s WHERE id = %s", [index, event_id])


class Editor:
    """Just enough of a schema editor for the migration's RunPython, inside the test transaction."""

    def __init__(self) -> None:
        self.connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cur:
            cur.execute(sql)
