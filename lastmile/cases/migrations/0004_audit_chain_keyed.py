"""The audit chain is keyed, brings in the ledger, and refuses DELETE on SQLite too.

1. Every existing chain is first checked under the old scheme (``sha256(prev_hash + row)``); a
   chain that is already broken stops the migration, naming the row, rather than being re-hashed
   into a chain that verifies (fix or explain it first: docs/audit.md).
2. Every row is re-hashed as ``HMAC-SHA256(key, prev_hash + row)`` with the key of
   :func:`lastmile.cases.audit.audit_key` (``LASTMILE_AUDIT_KEY``, or the key file).
3. Every ledger transaction already posted is appended to its court's chain as a
   ``ledger.transaction`` event carrying its legs, as the ledger does for new ones.
4. Triggers: PostgreSQL keeps refusing UPDATE and DELETE; SQLite now refuses DELETE as well as
   UPDATE, except while ``manage.py flush`` runs (the test runner; PostgreSQL's flush is a
   TRUNCATE, which row triggers do not see either).

The hashing code is copied here on purpose: a migration must keep doing what it did when written.
"""

import hashlib
import hmac
import json
from datetime import UTC
from decimal import Decimal

from django.db import migrations

GENESIS = "0" * 64

PG_DROP = """
DROP TRIGGER IF EXISTS cases_caseevent_no_update ON cases_caseevent;
"""
PG_CREATE = """
CREATE OR REPLACE FUNCTION lastmile_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'cases_caseevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION lastmile_event_append_only();
"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS cases_caseevent_no_update;",
    "DROP TRIGGER IF EXISTS cases_caseevent_no_delete;",
]
SQLITE_CREATE = [
    """CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent
       BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only'); END;""",
    # The function is registered on every connection Django opens (CasesConfig.ready) and says
    # yes only while ``flush`` runs; a connection without it (the sqlite3 shell) cannot delete.
    """CREATE TRIGGER cases_caseevent_no_delete BEFORE DELETE ON cases_caseevent
       WHEN lastmile_audit_delete_allowed() = 0
       BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only'); END;""",
]
SQLITE_OLD = [
    """CREATE TRIGGER cases_caseevent_no_update BEFORE UPDATE ON cases_caseevent
       BEGIN SELECT RAISE(ABORT, 'cases_caseevent is append-only'); END;""",
]


def _canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _time(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _payload(court_code, ev, chain_index=None):
    return _canonical(
        {
            "court": court_code,
            "index": ev.chain_index if chain_index is None else chain_index,
            "case": ev.case_id,
            "at": _time(ev.occurred_at),
            "actor": ev.actor_id,
            "actor_label": ev.actor_label,
            "kind": ev.kind,
            "summary": ev.summary,
            "data": ev.data,
            "basis": ev.legal_basis,
        }
    )


def _keyed(secret, prev_hash, payload):
    return hmac.new(secret, (prev_hash + payload).encode("utf-8"), hashlib.sha256).hexdigest()


def _money(value):
    return str(Decimal(value).quantize(Decimal("0.01")))


def _drop_triggers(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    AuditChainHead = apps.get_model("cases", "AuditChainHead")
    Court = apps.get_model("accounts", "Court")
    Transaction = apps.get_model("ledger", "Transaction")
    Leg = apps.get_model("ledger", "Leg")
    db = schema_editor.connection.alias
    _drop_triggers(schema_editor)
    if CaseEvent.objects.using(db).exists() or Transaction.objects.using(db).exists():
        from lastmile.cases.audit import audit_key

        secret = audit_key().secret
        for court in Court.objects.using(db).order_by("pk"):
            _rekey_court(CaseEvent, AuditChainHead, Transaction, Leg, db, court, secret)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def _rekey_court(CaseEvent, AuditChainHead, Transaction, Leg, db, court, secret):
    prev_old = GENESIS
    prev_new = GENESIS
    index = 0
    for ev in (
        CaseEvent.objects.using(db).filter(court=court).order_by("chain_index").iterator(chunk_size=2000)
    ):
        payload = _payload(court.code, ev)
        expected = hashlib.sha256((prev_old + payload).encode("utf-8")).hexdigest()
        if ev.chain_index != index + 1 or ev.prev_hash != prev_old or ev.hash != expected:
            raise RuntimeError(
                f"法院 {court.code} 的审计链在改用密钥前已损坏：第 {index + 1} 条（事件ID {ev.pk}）。"
                "请先查明原因（lastmile audit verify 的旧版本可定位），不要用新密钥掩盖它。"
            )
        prev_old = ev.hash
        digest = _keyed(secret, prev_new, payload)
        CaseEvent.objects.using(db).filter(pk=ev.pk).update(prev_hash=prev_new, hash=digest)
        prev_new = digest
        index = ev.chain_index
    head = AuditChainHead.objects.using(db).filter(court=court).first()
    if head is not None and (head.last_index != index or head.last_hash != prev_old):
        raise RuntimeError(f"法院 {court.code} 的审计链在改用密钥前已损坏：链头与最后一条记录不符。")
    # The ledger's transactions posted so far join the chain, in the order they were posted.
    for txn in Transaction.objects.using(db).filter(court=court).order_by("pk").iterator(chunk_size=2000):
        legs = sorted(
            ((leg.account_id, Decimal(leg.amount)) for leg in Leg.objects.using(db).filter(transaction=txn)),
        )
        data = {
            "txn": txn.pk,
            "court": txn.court_id,
            "case": txn.case_id,
            "kind": txn.kind,
            "key": txn.idempotency_key,
            "at": _time(txn.at),
            "memo": txn.memo,
            "legs": [[account, _money(amount)] for account, amount in legs],
        }
        ev = CaseEvent(
            court=court,
            chain_index=index + 1,
            case_id=None,
            occurred_at=txn.at,
            actor_id=None,
            actor_label="系统",
            kind="ledger.transaction",
            summary=f"记账凭证 #{txn.pk} {txn.memo}"[:256],
            data=data,
            legal_basis={},
            prev_hash=prev_new,
        )
        ev.hash = _keyed(secret, prev_new, _payload(court.code, ev))
        ev.save(using=db)
        prev_new = ev.hash
        index += 1
    if head is None and index:
        head = AuditChainHead(court=court)
    if head is not None:
        head.last_index = index
        head.last_hash = prev_new
        head.save(using=db)


def backwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    if CaseEvent.objects.using(schema_editor.connection.alias).exists():
        raise RuntimeError("审计链已改用密钥，不能回退（旧的无密钥哈希可被任何人重算）。")
    _drop_triggers(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_CREATE)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_OLD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_deadline_provisional"),
        ("accounts", "0001_initial"),
        ("ledger", "0002_ledger_integrity"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
