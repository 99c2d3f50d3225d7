"""The audit chain cannot be rewritten silently (issue I.7).

Each test plays one tampering as an attacker who can write to the database (and drop its
triggers) but does not hold the audit key, and checks that ``audit verify``, given the key and
the anchors, names the first bad row. Every one of them passed unnoticed before the chain was
keyed and anchored.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lastmile.cases import audit
from lastmile.cases.audit import anchor_file, anchors_read, audit_key, event_payload, event_payload_parts
from lastmile.cases.models import AuditChainHead, CaseEvent
from lastmile.cases.selectors import audit_verify
from lastmile.cases.services import PartyInRole, audit_anchor_write, case_register, case_status_change
from lastmile.cases.tests.tampering import Editor, dba, rehash_from, set_index
from lastmile.testing.kinds import TestEvent

pytestmark = pytest.mark.django_db

KEY = "test-audit-key-0123456789abcdef0123456789"


@pytest.fixture(autouse=True)
def audit_settings(settings, tmp_path):
    """A known key and an anchors directory of this test's own."""
    settings.LASTMILE = {**settings.LASTMILE, "AUDIT": {"KEY": KEY, "ANCHORS_DIR": str(tmp_path / "anchors")}}
    yield tmp_path / "anchors"


def _file(court, clerk, bank, debtor, now, amount="100000"):
    return case_register(
        court=court,
        type_code="执",
        parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal(amount),
    )


@pytest.fixture
def chain(yuelu, clerk, bank, debtor, now):
    """Six events in 岳麓's chain."""
    for i in range(6):
        _file(yuelu, clerk, bank, debtor, now + timedelta(minutes=i))
    return list(CaseEvent.objects.filter(court=yuelu).order_by("chain_index"))


# --- the variants -------------------------------------------------------------------------------


def test_intact_chain_verifies_with_anchors(yuelu, chain, audit_settings, now):
    audit_anchor_write(now=now)
    assert audit_verify() == []
    call_command("audit", "verify")


def test_rewriting_a_row_and_recomputing_every_hash_fails_without_the_key(yuelu, chain):
    target = chain[2]
    with dba() as cur:
        cur.execute("UPDATE cases_caseevent SET summary = %s WHERE id = %s", ["立案登记（改）", target.pk])
    rehash_from(yuelu, target.chain_index)
    breaks = audit_verify()
    assert [(b.chain_index, b.event_id) for b in breaks] == [(target.chain_index, target.pk)]
    assert "密钥" in breaks[0].reason


def test_recomputing_with_another_key_fails(yuelu, chain):
    import hmac

    def forged(prev, code, ev):
        payload = event_payload(
            court_code=code,
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
        return hmac.new(
            b"guessed-key-guessed-key-guessed-key!", (prev + payload).encode(), "sha256"
        ).hexdigest()

    target = chain[4]
    with dba() as cur:
        cur.execute("UPDATE cases_caseevent SET actor_label = %s WHERE id = %s", ["他人", target.pk])
    rehash_from(yuelu, target.chain_index, digest=forged)
    assert [b.chain_index for b in audit_verify()] == [target.chain_index]


def test_deleting_the_tail_and_rewinding_the_head_is_caught_by_the_anchors(yuelu, chain, now):
    (outcome,) = audit_anchor_write(now=now, court=yuelu)
    assert outcome.anchor is not None and outcome.anchor.index == 6
    with dba() as cur:
        cur.execute("DELETE FROM cases_caseevent WHERE court_id = %s AND chain_index > 4", [yuelu.pk])
        cur.execute(
            "UPDATE cases_auditchainhead SET last_index = 4, last_hash = %s WHERE court_id = %s",
            [chain[3].hash, yuelu.pk],
        )
    breaks = audit_verify()
    assert [(b.court_code, b.chain_index) for b in breaks] == [(yuelu.code, 5)]
    assert "被删除" in breaks[0].reason and breaks[0].record == "anchor line 1"
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    # Without the anchors the truncated chain looks whole: that is what anchors are for.
    assert audit_verify(anchors=False) == []


def test_deleting_a_middle_row_and_renumbering_the_rest(yuelu, chain):
    victim = chain[2]
    with dba() as cur:
        cur.execute("DELETE FROM cases_caseevent WHERE id = %s", [victim.pk])
        for ev in chain[3:]:
            set_index(cur, ev.pk, ev.chain_index - 1)
    rehash_from(yuelu, victim.chain_index)
    breaks = audit_verify()
    assert [(b.chain_index, b.event_id) for b in breaks] == [(victim.chain_index, chain[3].pk)]


def test_inserting_a_row(yuelu, chain, clerk):
    # A forged event slipped in as row 3; the rows after it move down one place.
    with dba() as cur:
        for ev in reversed(chain[2:]):
            set_index(cur, ev.pk, ev.chain_index + 1)
        CaseEvent.objects.create(
            court=yuelu,
            chain_index=3,
            case=chain[1].case,
            occurred_at=chain[1].occurred_at,
            actor=clerk,
            actor_label=clerk.name,
            kind="enforcement.closed",
            summary="执行完毕（伪造）",
            data={},
            legal_basis={},
            prev_hash=chain[1].hash,
            hash="f" * 64,
        )
    rehash_from(yuelu, 3)
    forged = CaseEvent.objects.get(court=yuelu, chain_index=3)
    assert [(b.chain_index, b.event_id) for b in audit_verify()] == [(3, forged.pk)]


def test_reordering_two_rows(yuelu, chain):
    a, b = chain[1], chain[2]
    with dba() as cur:
        set_index(cur, a.pk, 1000)
        set_index(cur, b.pk, a.chain_index)
        set_index(cur, a.pk, b.chain_index)
    rehash_from(yuelu, a.chain_index)
    breaks = audit_verify()
    assert [(x.chain_index, x.event_id) for x in breaks] == [(a.chain_index, b.pk)]


def test_dropping_the_triggers_then_editing_a_row(yuelu, chain):
    target = chain[5]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TRIGGER cases_caseevent_no_update ON cases_caseevent")
        else:
            cur.execute("DROP TRIGGER cases_caseevent_no_update")
            cur.execute("DROP TRIGGER cases_caseevent_no_delete")
    CaseEvent.objects.filter(pk=target.pk).update(data={**target.data, "amount_claimed": "1.00"})
    rehash_from(yuelu, target.chain_index)
    assert [(b.chain_index, b.event_id) for b in audit_verify()] == [(target.chain_index, target.pk)]


def test_replacing_the_anchor_lines_fails_their_signature(yuelu, chain, now):
    audit_anchor_write(now=now, court=yuelu)
    audit_anchor_write(now=now + timedelta(days=1), court=yuelu, force=True)
    with dba() as cur:
        cur.execute("DELETE FROM cases_caseevent WHERE court_id = %s AND chain_index > 3", [yuelu.pk])
        cur.execute(
            "UPDATE cases_auditchainhead SET last_index = 3, last_hash = %s WHERE court_id = %s",
            [chain[2].hash, yuelu.pk],
        )
    # The attacker rewrites the anchors to describe the shortened chain, signing as best they can.
    path = anchor_file(yuelu.code)
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    for obj in lines:
        obj.update(index=3, event=chain[2].pk, head=chain[2].hash, count=3)
        unsigned = {k: v for k, v in obj.items() if k != "sig"}
        obj["sig"] = hashlib.sha256(json.dumps(unsigned, sort_keys=True).encode()).hexdigest()
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in lines), encoding="utf-8")
    breaks = audit_verify()
    assert [b.record for b in breaks] == ["anchor line 1"]
    assert "签名无效" in breaks[0].reason


def test_removing_an_anchor_line_breaks_the_anchor_chain(yuelu, chain, now):
    for day in range(3):
        audit_anchor_write(now=now + timedelta(days=day), court=yuelu, force=True)
    path = anchor_file(yuelu.code)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[2], encoding="utf-8")
    breaks = audit_verify()
    assert [b.record for b in breaks] == ["anchor line 2"]
    assert "不衔接" in breaks[0].reason


def test_verifying_with_the_wrong_key_says_so(yuelu, chain, now, settings):
    audit_anchor_write(now=now, court=yuelu)
    settings.LASTMILE = {**settings.LASTMILE, "AUDIT": {**settings.LASTMILE["AUDIT"], "KEY": "x" * 40}}
    breaks = audit_verify()
    assert breaks[0].record == "anchor line 1" and "另一把密钥" in breaks[0].reason
    assert breaks[1].chain_index == 1


def test_verify_command_reads_a_copied_key_and_anchors(yuelu, chain, now, tmp_path, settings):
    audit_anchor_write(now=now, court=yuelu)
    copy = tmp_path / "offsite"
    copy.mkdir()
    (copy / f"{yuelu.code}.jsonl").write_bytes(anchor_file(yuelu.code).read_bytes())
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    settings.LASTMILE = {
        **settings.LASTMILE,
        "AUDIT": {"KEY": "y" * 40, "ANCHORS_DIR": str(tmp_path / "none")},
    }
    call_command("audit", "verify", "--key-file", str(key_file), "--anchors", str(copy))
    with pytest.raises(CommandError, match="审计链校验失败"):
        call_command("audit", "verify")


# --- triggers -----------------------------------------------------------------------------------


def test_database_refuses_delete_and_update_of_the_trail(yuelu, chain):
    """SQLite now refuses DELETE as PostgreSQL does (it used to let any DELETE through)."""
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=chain[-1].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM cases_caseevent WHERE id = %s", [chain[0].pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=chain[0].pk).update(summary="改过")
    assert CaseEvent.objects.filter(court=yuelu).count() == len(chain)
    assert audit_verify() == []


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_a_test_database(courts, clerk, bank, debtor, now):
    """The test runner's flush goes through (this test's teardown runs it)."""
    _file(courts["湘0104"], clerk, bank, debtor, now)
    call_command("flush", interactive=False, verbosity=0)
    assert not CaseEvent.objects.exists()


# --- the key ------------------------------------------------------------------------------------


def test_demo_key_file_is_created_once_owner_only(settings, tmp_path, monkeypatch):
    monkeypatch.delenv(audit.KEY_ENV, raising=False)
    monkeypatch.delenv(audit.KEY_FILE_ENV, raising=False)
    settings.DATA_DIR = tmp_path / "data"
    settings.LASTMILE = {**settings.LASTMILE, "AUDIT": {}}
    key = audit_key()
    path = tmp_path / "data" / "audit.key"
    assert key.source == "generated" and key.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    audit.audit_key_reset()
    assert audit_key().secret == key.secret  # read back, never regenerated
    # ... and the deploy check refuses it for production.
    assert audit.audit_key_deploy_problems()
    from django.core.checks import registry

    from lastmile.cases.checks import audit_key_check

    assert audit_key_check in registry.registry.get_checks(include_deployment_checks=True)
    assert [e.id for e in audit_key_check()] == ["lastmile.cases.E001"]


def test_explicit_key_from_the_environment(settings, monkeypatch):
    settings.LASTMILE = {**settings.LASTMILE, "AUDIT": {}}
    monkeypatch.setenv(audit.KEY_ENV, "k" * 48)
    audit.audit_key_reset()
    assert audit_key().source == "env" and audit.audit_key_deploy_problems() == []
    monkeypatch.setenv(audit.KEY_ENV, "short")
    audit.audit_key_reset()
    with pytest.raises(audit.AuditKeyError):
        audit_key()
    audit.audit_key_reset()


# --- anchors ------------------------------------------------------------------------------------


def test_anchor_sweep_writes_daily_and_when_the_head_moves(yuelu, wuling, chain, clerk, bank, debtor, now):
    from lastmile.cases.tasks import audit_anchor_sweep_task

    first = audit_anchor_write(now=now)
    assert [o.court.code for o in first if o.anchor] == [yuelu.code]  # 武陵 has no chain yet
    assert all(o.anchor is None for o in audit_anchor_write(now=now + timedelta(hours=1)))
    _file(wuling, clerk, bank, debtor, now)
    second = audit_anchor_write(now=now + timedelta(hours=2))
    assert [o.court.code for o in second if o.anchor] == [wuling.code]
    third = audit_anchor_write(now=now + timedelta(days=1))
    assert sorted(o.court.code for o in third if o.anchor) == sorted([yuelu.code, wuling.code])
    log = anchors_read(yuelu.code)
    assert [a.index for a in log.anchors] == [6, 6] and log.problem is None
    a = log.anchors[0]
    assert (a.court, a.event, a.head, a.count) == (yuelu.code, chain[-1].pk, chain[-1].hash, 6)
    # The periodic task does the same.
    assert audit_anchor_sweep_task.func()["damaged"] == 0


def test_a_damaged_chain_is_never_anchored(yuelu, chain, now):
    audit_anchor_write(now=now)
    with dba() as cur:
        cur.execute("UPDATE cases_caseevent SET summary = 'x' WHERE id = %s", [chain[-1].pk])
    (outcome,) = audit_anchor_write(now=now + timedelta(days=1), court=yuelu)
    assert outcome.anchor is None and "第 6 条" in outcome.error
    assert len(anchors_read(yuelu.code).anchors) == 1
    with pytest.raises(CommandError):
        call_command("audit", "anchor", "--court", yuelu.code)


def test_anchor_command(yuelu, chain, clock, audit_settings):
    call_command("audit", "anchor")
    assert anchor_file(yuelu.code).exists()
    assert Path(audit_settings).is_dir() and os.listdir(audit_settings) == [f"{yuelu.code}.jsonl"]


def test_status_change_after_anchor_still_verifies(yuelu, chain, clerk, now):
    audit_anchor_write(now=now)
    case_status_change(
        case=chain[0].case,
        allowed_from=["filed"],
        to_status="in_progress",
        kind=TestEvent.STARTED,
        summary="开始办理",
        actor=clerk,
        now=now + timedelta(hours=1),
    )
    assert audit_verify() == []
    assert AuditChainHead.objects.get(court=yuelu).last_index == 7


# --- the migration that keyed the chain ---------------------------------------------------------


def test_migration_refuses_to_rekey_a_chain_already_broken(yuelu, chain):
    import importlib

    from django.apps import apps

    rehash_from(yuelu, 1)
    with dba() as cur:
        cur.execute("UPDATE cases_caseevent SET summary = 'x' WHERE id = %s", [chain[3].pk])
    migration = importlib.import_module("lastmile.cases.migrations.0004_audit_chain_keyed")
    with pytest.raises(RuntimeError, match="第 4 条"):
        migration.forwards(apps, Editor())


def test_payload_parts_equal_the_canonical_payload() -> None:
    """The text hashed under the head lock (parts joined with the index) is the canonical row."""
    row = {
        "court_code": "湘0104",
        "case_id": 7,
        "occurred_at": "2026-01-02T03:04:05.000006Z",
        "actor_id": None,
        "actor_label": "系统",
        "kind": "inquiry.frozen",
        "summary": '冻结"账户"，期限至2027-01-01',
        "data": {"index": 3, "z": [1, "二"], "a": None},
        "legal_basis": {"law": "民事诉讼法", "article": "253"},
    }
    for index in (1, 42, 10**12):
        assert event_payload_parts(**row).with_index(index) == event_payload(chain_index=index, **row)
