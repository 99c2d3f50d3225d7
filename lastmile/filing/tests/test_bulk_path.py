"""The bulk path writes what the case core writes one by one, and the demo and CLI work."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import pytest
from django.core.management import call_command

from lastmile.cases.models import CaseEvent
from lastmile.filing.demo import DEMO_API_KEY, demo_seed_filing
from lastmile.filing.models import BatchStatus, IntakeBatch, LoanClaim
from lastmile.filing.samples import rows_to_csv, sample_rows
from lastmile.filing.services import api_key_authenticate, batch_submit, creating, institution_client_upsert
from lastmile.parties.models import ElectronicAddress, Party
from lastmile.testing.factories import make_uscc


def _shape(claim: LoanClaim) -> dict:
    case = claim.case
    event = CaseEvent.objects.get(case=case)
    return {
        "case": (
            case.type_code,
            case.cause,
            case.status,
            case.amount_claimed,
            case.received_at,
            case.filed_at,
            case.created_by_id,
            case.year,
        ),
        "parties": [
            (cp.party_id, cp.role, cp.position)
            for cp in case.case_parties.order_by("role", "position")
            if cp.party_id != claim.client.party_id
        ],
        "event": (
            event.kind,
            event.summary.replace(case.number, "N"),
            event.actor_id,
            event.legal_basis,
            sorted(k for k in event.data if k not in ("batch", "batch_id", "client")),
            event.data["type_code"],
            event.data["amount_claimed"],
            len(event.data["parties"]),
        ),
        "claim": (
            claim.loan_amount,
            claim.disbursed_on,
            claim.due_on,
            claim.annual_rate,
            claim.overdue_rate,
            claim.principal,
            claim.interest,
            claim.penalty,
            claim.claimed_total,
            claim.fee_estimate,
            claim.evidence,
        ),
    }


@pytest.mark.django_db
def test_bulk_and_one_by_one_paths_store_the_same(yuelu, clerk, institution, now, today, monkeypatch):
    rows = sample_rows(4, today=today, start=60)
    content = rows_to_csv(rows)
    bulk = batch_submit(
        court=yuelu,
        client=institution,
        external_id="S-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=content,
        process="inline",
    ).batch
    parties_after_bulk = list(Party.objects.order_by("pk").values())
    addresses_after_bulk = list(ElectronicAddress.objects.order_by("pk").values())

    other = institution_client_upsert(name="第二家银行", uscc=make_uscc(), courts=[yuelu], now=now)

    def no_bulk(*, batch, rows):
        raise RuntimeError("force the one-by-one path")

    monkeypatch.setattr(creating, "_chunk_create_bulk", no_bulk)
    single = batch_submit(
        court=yuelu,
        client=other,
        external_id="S-1",
        now=now,
        actor=clerk,
        filename="a.csv",
        content=content,
        process="inline",
    ).batch
    assert bulk.status == single.status == BatchStatus.ACCEPTED
    for row in rows:
        a = LoanClaim.objects.get(batch=bulk, contract_no=row["合同编号"])
        b = LoanClaim.objects.get(batch=single, contract_no=row["合同编号"])
        assert _shape(a) == _shape(b)
    # the same people: the second filing found them and changed nothing about them
    assert list(Party.objects.exclude(pk=other.party_id).order_by("pk").values()) == parties_after_bulk
    assert list(ElectronicAddress.objects.order_by("pk").values()) == addresses_after_bulk


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_its_key_works(yuelu, clerk, now):
    first = demo_seed_filing(now=now)
    assert first.created and any(DEMO_API_KEY in line for line in first.lines)
    counts = (IntakeBatch.objects.count(), LoanClaim.objects.count())
    second = demo_seed_filing(now=now)
    assert not second.created and (IntakeBatch.objects.count(), LoanClaim.objects.count()) == counts == (1, 5)
    assert IntakeBatch.objects.get().status == BatchStatus.ACCEPTED
    client = api_key_authenticate(key=DEMO_API_KEY, now=now)
    assert client is not None and client.courts.filter(pk=yuelu.pk).exists()


@pytest.mark.django_db
def test_cli_import_shows_progress_and_status(yuelu, institution, clock, today, tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(rows_to_csv(sample_rows(3, today=today), encoding="gbk"))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stderr(err):
        call_command(
            "filing",
            "import",
            str(path),
            "--court",
            "湘0104",
            "--client",
            str(institution.pk),
            "--batch-id",
            "CLI-1",
            stdout=out,
        )
    assert "已立案3件" in out.getvalue() and "3/3 100%" in err.getvalue()
    batch = IntakeBatch.objects.get(external_id="CLI-1")
    status = io.StringIO()
    call_command("filing", "batch-status", str(batch.pk), stdout=status)
    assert "全部受理" in status.getvalue()
    sample = tmp_path / "s.xlsx"
    call_command("filing", "sample", str(sample), "--rows", "3", "--bad", stdout=io.StringIO())
    assert sample.read_bytes()[:2] == b"PK"
