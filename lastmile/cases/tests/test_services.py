from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lastmile.cases.models import Case, CaseEvent, CaseStatus
from lastmile.cases.selectors import audit_verify
from lastmile.cases.services import PartyInRole, case_register, case_status_change
from lastmile.core.errors import InvalidTransition
from lastmile.core.identifiers import parse_case_number
from lastmile.testing.kinds import TestEvent

pytestmark = pytest.mark.django_db


def _file(court, clerk, bank, debtor, now, type_code="执", amount="100000"):
    return case_register(
        court=court,
        type_code=type_code,
        parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal(amount),
    )


def test_numbers_are_sequential_per_court_year_and_type(yuelu, wuling, clerk, bank, debtor, now):
    a = _file(yuelu, clerk, bank, debtor, now)
    b = _file(yuelu, clerk, bank, debtor, now)
    c = _file(yuelu, clerk, bank, debtor, now, type_code="执恢")
    d = _file(wuling, clerk, bank, debtor, now)
    assert [a.number, b.number] == ["（2025）湘0104执1号", "（2025）湘0104执2号"]
    assert c.number == "（2025）湘0104执恢1号"
    assert d.number == "（2025）湘0702执1号"
    parsed = parse_case_number(b.number)
    assert (parsed.year, parsed.court_code, parsed.type_code, parsed.seq) == (
        2025,
        "湘0104",
        "执",
        2,
    )


def test_numbers_restart_each_year_by_beijing_time(yuelu, clerk, bank, debtor):
    from django.utils import timezone

    tz = timezone.get_fixed_timezone(480)
    late = _file(yuelu, clerk, bank, debtor, datetime(2024, 12, 31, 23, 59, tzinfo=tz))
    # 2024-12-31 16:30 UTC is already 2025-01-01 00:30 in Beijing: it is a 2025 case.
    new_year = _file(yuelu, clerk, bank, debtor, datetime(2024, 12, 31, 16, 30, tzinfo=UTC))
    assert late.number == "（2024）湘0104执1号"
    assert new_year.number == "（2025）湘0104执1号"


def test_register_writes_parties_and_event(yuelu, clerk, bank, debtor, now):
    case = _file(yuelu, clerk, bank, debtor, now)
    assert case.case_parties.count() == 2
    event = CaseEvent.objects.get(case=case)
    assert event.kind == "case.registered"
    assert event.actor == clerk
    assert event.data["amount_claimed"] == "100000.00"


def test_refused_status_change_changes_nothing(yuelu, clerk, bank, debtor, now):
    case = _file(yuelu, clerk, bank, debtor, now)
    events_before = CaseEvent.objects.count()
    with pytest.raises(InvalidTransition):
        case_status_change(
            case=case,
            allowed_from=[CaseStatus.SUSPENDED],
            to_status=CaseStatus.CLOSED,
            kind=TestEvent.CLOSED,
            summary="结案",
            actor=clerk,
            now=now,
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.FILED
    assert case.closed_at is None
    assert CaseEvent.objects.count() == events_before


def test_status_change_records_event(yuelu, clerk, bank, debtor, now):
    case = _file(yuelu, clerk, bank, debtor, now)
    later = now + timedelta(days=1)
    case_status_change(
        case=case,
        allowed_from=[CaseStatus.FILED],
        to_status=CaseStatus.CLOSED,
        kind=TestEvent.CLOSED,
        summary="执行完毕",
        actor=clerk,
        now=later,
        closing_method="执行完毕",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at == later
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_audit_chain_verifies(yuelu, wuling, clerk, bank, debtor, now):
    for _ in range(3):
        _file(yuelu, clerk, bank, debtor, now)
    _file(wuling, clerk, bank, debtor, now)
    assert audit_verify() == []
    call_command("audit", "verify")


def _tamper(event_id: int, summary: str) -> None:
    """What an attacker with DBA rights does: get past the append-only trigger and edit a row."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
            cur.execute("UPDATE cases_caseevent SET summary = %s WHERE id = %s", [summary, event_id])
            cur.execute("SET session_replication_role = DEFAULT")
        else:
            cur.execute("DROP TRIGGER cases_caseevent_no_update")
            cur.execute("UPDATE cases_caseevent SET summary = %s WHERE id = %s", [summary, event_id])


def test_database_refuses_updates_to_the_trail(yuelu, clerk, bank, debtor, now):
    from django.db import DatabaseError, transaction

    case = _file(yuelu, clerk, bank, debtor, now)
    event = CaseEvent.objects.get(case=case)
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(summary="改过")


def test_audit_verify_names_the_altered_row(yuelu, clerk, bank, debtor, now):
    cases = [_file(yuelu, clerk, bank, debtor, now) for _ in range(5)]
    target = CaseEvent.objects.get(case=cases[2])
    _tamper(target.pk, "立案登记（已被篡改）")
    breaks = audit_verify()
    assert len(breaks) == 1
    assert breaks[0].chain_index == target.chain_index
    assert breaks[0].event_id == target.pk
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert "审计链校验失败" in str(exc.value)


def test_audit_verify_detects_a_deleted_row(yuelu, clerk, bank, debtor, now):
    cases = [_file(yuelu, clerk, bank, debtor, now) for _ in range(4)]
    target = CaseEvent.objects.get(case=cases[1])
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        else:
            cur.execute("DROP TRIGGER cases_caseevent_no_delete")
        cur.execute("DELETE FROM cases_caseevent WHERE id = %s", [target.pk])
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = DEFAULT")
    breaks = audit_verify()
    assert [b.chain_index for b in breaks] == [target.chain_index]


def test_register_needs_parties(yuelu, clerk, now):
    with pytest.raises(InvalidTransition):
        case_register(court=yuelu, type_code="执", parties=[], actor=clerk, now=now)
    assert Case.objects.count() == 0


def test_audit_chain_batch_writes_the_blocks_appends_at_its_end(yuelu, wuling, clerk, bank, debtor, now):
    """Appends inside ``audit_chain_batch`` are written when it ends, in call order, one insert per
    court; an exception leaving the block writes nothing; the chain verifies."""
    from django.db import transaction

    from lastmile.cases.services import ChainEntry, audit_chain_append, audit_chain_batch

    case = _file(yuelu, clerk, bank, debtor, now)
    before = CaseEvent.objects.count()

    def entry(n: int) -> ChainEntry:
        return ChainEntry(kind=TestEvent.CLOSED, summary=f"第{n}条", occurred_at=now, case_id=case.pk)

    with transaction.atomic(), audit_chain_batch():
        audit_chain_append(court=yuelu, entries=[entry(1), entry(2)])
        audit_chain_append(court=wuling, entries=[entry(3)])
        audit_chain_append(court=yuelu, entries=[entry(4)])
        assert CaseEvent.objects.count() == before  # not yet written
    rows = list(CaseEvent.objects.filter(court=yuelu, summary__startswith="第").order_by("chain_index"))
    assert [r.summary for r in rows] == ["第1条", "第2条", "第4条"]
    assert [r.chain_index for r in rows] == list(range(rows[0].chain_index, rows[0].chain_index + 3))
    with pytest.raises(RuntimeError), transaction.atomic(), audit_chain_batch():
        audit_chain_append(court=yuelu, entries=[entry(5)])
        raise RuntimeError("回滚")
    assert not CaseEvent.objects.filter(summary="第5条").exists()
    assert audit_verify() == []


def test_a_nested_chain_batch_left_by_an_exception_drops_what_it_gathered(
    yuelu, wuling, clerk, bank, debtor, now
):
    """A nested ``audit_chain_batch`` paired with a savepoint (one simulated event, one case of the
    inquiry worker): when an exception leaves it, the savepoint rolls back and the entries gathered
    inside it are dropped, also those of a court the outer block had not seen yet; the outer block
    writes the rest."""
    from django.db import transaction

    from lastmile.cases.services import ChainEntry, audit_chain_append, audit_chain_batch

    case = _file(yuelu, clerk, bank, debtor, now)

    def entry(n: int) -> ChainEntry:
        return ChainEntry(kind=TestEvent.CLOSED, summary=f"第{n}条", occurred_at=now, case_id=case.pk)

    with transaction.atomic(), audit_chain_batch():
        audit_chain_append(court=yuelu, entries=[entry(1)])
        with pytest.raises(RuntimeError), transaction.atomic(), audit_chain_batch():
            audit_chain_append(court=yuelu, entries=[entry(2)])
            audit_chain_append(court=wuling, entries=[entry(3)])
            raise RuntimeError("这一事件被拒绝")
        with transaction.atomic(), audit_chain_batch():
            audit_chain_append(court=yuelu, entries=[entry(4)])
    written = CaseEvent.objects.filter(summary__startswith="第").order_by("court_id", "chain_index")
    assert [(e.court_id, e.summary) for e in written] == [(yuelu.pk, "第1条"), (yuelu.pk, "第4条")]
    assert audit_verify() == []
