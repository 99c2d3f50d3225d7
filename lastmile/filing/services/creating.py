"""Turning the valid rows into cases, in chunks: in bulk, or row by row to isolate a failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F

from lastmile.cases.models import Case, PartyRole
from lastmile.cases.services import CaseSpec, PartyInRole, case_register, case_register_many
from lastmile.core.db import bulk_set
from lastmile.core.errors import DomainError
from lastmile.core.money import to_money
from lastmile.ledger.fees import acceptance_fee
from lastmile.parties.models import Party, ServiceChannel
from lastmile.parties.services import (
    e_address_record,
    e_addresses_record_many,
    parties_upsert_many,
    party_upsert,
)

from ..conf import filing_setting
from ..error_codes import RowErrorCode
from ..models import (
    IntakeBatch,
    IntakeRow,
    LoanClaim,
    RowStatus,
)
from .common import PRE_SUIT_MEDIATION, ProgressFn


def _party(data: dict[str, Any], now: datetime) -> Party:
    return party_upsert(
        kind=data["kind"],
        name=data["name"],
        id_type=data["id_type"],
        id_number=data["id_number"],
        now=now,
        phone=data.get("phone", ""),
        address=data.get("address", ""),
    )


def _addresses_wanted(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (channel, str(address))
        for channel, address in (
            (ServiceChannel.SMS, data.get("service_phone")),
            (ServiceChannel.EMAIL, data.get("service_email")),
        )
        if address
    ]


def _electronic_addresses_record(*, party: Party, data: dict[str, Any], now: datetime) -> None:
    """The borrower's electronic-service addresses and whether the borrower consented
    (CPL 2023 art. 90; consent agreed in the loan contract counts, 在线诉讼规则 2021 art. 29)."""
    consent = "contract" if data.get("e_service_consent") else ""
    for channel, address in _addresses_wanted(data):
        e_address_record(party=party, channel=channel, address=address, now=now, consent_kind=consent)


def _electronic_addresses_record_many(*, items: list[tuple[Party, dict[str, Any]]], now: datetime) -> None:
    """:func:`_electronic_addresses_record` for many borrowers at once."""
    wanted: dict[tuple[int, str, str], str] = {}
    for party, data in items:
        consent = "contract" if data.get("e_service_consent") else ""
        for channel, address in _addresses_wanted(data):
            key = (party.pk, channel, address)
            wanted[key] = wanted.get(key) or consent
    e_addresses_record_many(wanted=wanted, now=now)


def _event_data(batch: IntakeBatch, row: IntakeRow) -> dict[str, Any]:
    return {
        "source": "filing.batch",
        "batch": batch.pk,
        "batch_id": batch.external_id,
        "row": row.row_number,
        "contract_no": row.data["contract_no"],
        "client": batch.client_id,
    }


def _loan_claim_build(*, batch: IntakeBatch, row: IntakeRow, case: Case) -> LoanClaim:
    data = row.data
    claimed = to_money(data["claim_amount"])
    return LoanClaim(
        case=case,
        client=batch.client,
        batch=batch,
        contract_no=data["contract_no"],
        loan_amount=to_money(data["loan_amount"]),
        disbursed_on=data["disbursed_on"],
        due_on=data["due_on"],
        annual_rate=Decimal(data["annual_rate"]) if data.get("annual_rate") else None,
        overdue_rate=Decimal(data["overdue_rate"]) if data.get("overdue_rate") else None,
        principal=to_money(data["principal"]),
        interest=to_money(data["interest"]),
        penalty=to_money(data["penalty"]),
        claimed_total=claimed,
        fee_estimate=acceptance_fee(claimed),
        evidence=data.get("evidence", []),
        created_at=batch.created_at,
    )


def _row_case_create(*, batch: IntakeBatch, row: IntakeRow) -> Case:
    """Everything one row becomes, through the case core one by one. Runs inside the caller's
    savepoint; used when a chunk could not be created in bulk, to isolate the failing row."""
    data = row.data
    received = batch.created_at  # the court received the filing when the batch arrived
    borrower = _party(data["borrower"], received)
    guarantors = [_party(g, received) for g in data.get("guarantors", [])]
    parties = [
        PartyInRole(batch.client.party, PartyRole.APPLICANT_MEDIATION),
        PartyInRole(borrower, PartyRole.RESPONDENT_MEDIATION),
        *(PartyInRole(g, PartyRole.RESPONDENT_MEDIATION) for g in guarantors),
    ]
    case = case_register(
        court=batch.court,
        type_code=str(filing_setting("CASE_TYPE_CODE")),
        parties=parties,
        actor=batch.uploaded_by,
        now=received,
        cause=str(filing_setting("CAUSE")),
        amount_claimed=to_money(data["claim_amount"]),
        legal_basis=PRE_SUIT_MEDIATION,
        data=_event_data(batch, row),
    )
    _loan_claim_build(batch=batch, row=row, case=case).save()
    _electronic_addresses_record(party=borrower, data=data, now=received)
    IntakeRow.objects.filter(pk=row.pk).update(case=case)
    return case


def _chunk_create_bulk(*, batch: IntakeBatch, rows: list[IntakeRow]) -> None:
    """The rows of a chunk in bulk: same rows and events as :func:`_row_case_create` for each,
    numbered in row order. Any failure raises and the caller rolls the whole chunk back."""
    received = batch.created_at
    identities = [p for row in rows for p in (row.data["borrower"], *row.data.get("guarantors", []))]
    parties = parties_upsert_many(identities=identities, now=received)

    def party(ident: dict[str, Any]) -> Party:
        return parties[(ident["id_type"], ident["id_number"])]

    specs = [
        CaseSpec(
            parties=[
                PartyInRole(batch.client.party, PartyRole.APPLICANT_MEDIATION),
                PartyInRole(party(row.data["borrower"]), PartyRole.RESPONDENT_MEDIATION),
                *(
                    PartyInRole(party(g), PartyRole.RESPONDENT_MEDIATION)
                    for g in row.data.get("guarantors", [])
                ),
            ],
            amount_claimed=to_money(row.data["claim_amount"]),
            data=_event_data(batch, row),
        )
        for row in rows
    ]
    cases = case_register_many(
        court=batch.court,
        type_code=str(filing_setting("CASE_TYPE_CODE")),
        specs=specs,
        actor=batch.uploaded_by,
        now=received,
        cause=str(filing_setting("CAUSE")),
        legal_basis=PRE_SUIT_MEDIATION,
    )
    LoanClaim.objects.bulk_create(
        [_loan_claim_build(batch=batch, row=row, case=case) for row, case in zip(rows, cases, strict=True)]
    )
    _electronic_addresses_record_many(
        items=[(party(row.data["borrower"]), row.data) for row in rows], now=received
    )
    for row, case in zip(rows, cases, strict=True):
        row.case = case
    bulk_set(IntakeRow, rows, ["case"])


def _failure_message(exc: Exception) -> tuple[RowErrorCode, str]:
    if isinstance(exc, IntegrityError) and "contract" in str(exc).lower():
        return RowErrorCode.DUPLICATE_FILED, "重复立案：该合同编号已有案件"
    if isinstance(exc, DomainError):
        return RowErrorCode.CREATE_FAILED, f"立案失败：{exc.message}"
    return RowErrorCode.CREATE_FAILED, "立案失败：系统处理该行时出错，该行未立案，请联系法院"


def _chunk_run(batch: IntakeBatch, size: int) -> int:
    """Create cases for up to ``size`` pending rows in one transaction; returns rows handled.

    The chunk is first created in bulk. If that fails, it is rolled back and its rows are created
    one by one, each in its own savepoint, so only the failing row is refused (and leaves
    nothing). A transient database error propagates and the caller retries the chunk.
    """
    with transaction.atomic():
        rows = list(
            IntakeRow.objects.select_for_update(skip_locked=True)
            .filter(batch=batch, status=RowStatus.OK, case__isnull=True)
            .order_by("row_number")[:size]
        )
        if not rows:
            return 0
        created = failed = 0
        try:
            with transaction.atomic():
                _chunk_create_bulk(batch=batch, rows=rows)
            created = len(rows)
        except OperationalError:
            raise
        except Exception:
            for row in rows:
                row.case = None
                try:
                    with transaction.atomic():
                        _row_case_create(batch=batch, row=row)
                    created += 1
                except OperationalError:
                    raise  # transient: the whole chunk is retried
                except Exception as exc:
                    code, message = _failure_message(exc)
                    IntakeRow.objects.filter(pk=row.pk).update(
                        status=RowStatus.ERROR,
                        errors=[{"field": "", "column": "", "code": code, "message": message}],
                    )
                    failed += 1
        IntakeBatch.objects.filter(pk=batch.pk).update(
            created_cases=F("created_cases") + created,
            ok_rows=F("ok_rows") - failed,
            error_rows=F("error_rows") + failed,
            progress_done=F("progress_done") + len(rows),
        )
        return len(rows)


def batch_create_cases(
    *, batch: IntakeBatch, progress: ProgressFn | None = None, heartbeat: Callable[[], None] | None = None
) -> int:
    """Create the cases of every valid row that has none yet; returns rows handled here.
    ``heartbeat`` is called after every chunk (it renews the worker's hold on the batch)."""
    size = int(filing_setting("CHUNK_ROWS"))
    retries = int(filing_setting("CHUNK_RETRIES"))
    handled = 0
    attempt = 0
    while True:
        try:
            n = _chunk_run(batch, size)
        except OperationalError:
            attempt += 1
            if attempt > retries:
                raise
            size = max(1, size // 4)
            continue
        attempt = 0
        if n == 0:
            break
        handled += n
        if heartbeat is not None:
            heartbeat()
        if progress is not None:
            done, total = (
                IntakeBatch.objects.filter(pk=batch.pk).values_list("progress_done", "progress_total").get()
            )
            progress(done, total)
    return handled
