"""Writes of batch filing: institutions and their keys, submitting a batch, validating it and
turning its good rows into pre-suit mediation cases (民诉前调).

Guarantees:

- **Idempotent submission.** ``(client, batch id)`` identifies a batch: the same id with the same
  content returns the existing batch and creates nothing; other content is refused with
  ``batch_id_conflict``.
- **All errors of every row** are collected and kept (see :mod:`lastmile.filing.validation`);
  good rows are accepted even when others are refused.
- **Nothing half created.** A row's parties, case (number, parties, registration event), loan
  claim, electronic addresses and the row → case link are written in one savepoint: a row that
  fails leaves nothing of itself. Rows are committed in chunks for speed (one transaction per
  chunk, one savepoint per row); a transient database error (deadlock, lock timeout) retries the
  chunk.
- **Resumable.** Processing picks up rows that are valid and have no case yet, so a crash or a
  second worker never creates a case twice (the row → case link is unique, and so is a loan
  claim per contract and client).
- **Never stuck.** A batch is held by whoever works on it (``lease_until``, renewed after
  every chunk); the periodic sweep :func:`batches_reclaim` re-queues every unfinished batch whose
  hold lapsed, so a worker killed mid-batch (even ``kill -9``) only delays it.
- **Bounded reading.** The request only stores the file after a cheap check of its container
  (:func:`lastmile.filing.reading.upload_check`: an XLSX bomb is refused from its ZIP directory);
  the worker reads it streaming, with caps (:mod:`lastmile.filing.reading`).
- **Gapless numbers.** Cases are registered through :func:`lastmile.cases.services.case_register`
  in the chunk transaction, so the counter lock is held until commit and a rolled-back row gives
  its number back (法〔2015〕137号 art. 9).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case, PartyRole
from lastmile.cases.services import CaseSpec, PartyInRole, case_register, case_register_many
from lastmile.core.clock import Clock, get_clock
from lastmile.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from lastmile.core.legal import cpl
from lastmile.core.money import to_money
from lastmile.ledger.fees import acceptance_fee
from lastmile.parties.models import IdType, Party, PartyKind, ServiceChannel
from lastmile.parties.services import (
    e_address_record,
    e_addresses_record_many,
    parties_upsert_many,
    party_upsert,
)

from .columns import header_map
from .conf import filing_setting
from .error_codes import FilingErrorCode, RowErrorCode
from .models import (
    FINISHED_STATUSES,
    BatchSource,
    BatchStatus,
    InstitutionApiKey,
    InstitutionClient,
    IntakeBatch,
    IntakeRow,
    LoanClaim,
    RowStatus,
)
from .reading import ParsedSheet, UnreadableFile, read_json_rows, read_upload, sniff_kind, upload_check
from .reports import error_report_xlsx
from .validation import RowResult, ValidationLimits, validate_sheet

# 先行调解: disputes suitable for mediation are mediated before filing (CPL 2023 art. 125; the
# article before 立案 art. 126; see docs/law.md).
PRE_SUIT_MEDIATION = cpl(125)

ProgressFn = Callable[[int, int], None]


class BatchIdConflict(Conflict):
    """The batch id was used before with different content."""

    code = FilingErrorCode.BATCH_ID_CONFLICT


class BatchRefused(DomainError):
    """The batch cannot be taken at all (empty, too large, columns missing, unreadable)."""

    code = FilingErrorCode.BATCH_REFUSED


# --- institutions and keys --------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


KEY_PREFIX = "lmk_"


@transaction.atomic
def institution_client_upsert(
    *,
    name: str,
    uscc: str,
    courts: Iterable[Court],
    now: datetime,
    contact: str = "",
    address: str = "",
    e_service_address: str = "",
) -> InstitutionClient:
    """Register (or update) a filing institution; its party is found or created by credit code.

    ``e_service_address`` is the institution's own electronic-service address (its account on the
    court's e-service platform). Supplying it at registration is consent to electronic service
    (在线诉讼规则 2021 art. 29: consent shown by providing the address), so the documents of its
    cases can be served on it and take effect."""
    party = party_upsert(
        kind=PartyKind.ORGANISATION, name=name, id_type=IdType.USCC, id_number=uscc, now=now, address=address
    )
    if e_service_address.strip():
        e_address_record(
            party=party,
            channel=ServiceChannel.PLATFORM,
            address=e_service_address.strip(),
            now=now,
            consent_kind="provided",
            confirmed=True,
            renew_consent=True,
        )
    client, _ = InstitutionClient.objects.get_or_create(
        party=party, defaults={"name": name, "created_at": now}
    )
    client.name = name
    client.contact = contact or client.contact
    client.save(update_fields=["name", "contact"])
    client.courts.add(*courts)
    return client


def api_key_issue(
    *, client: InstitutionClient, now: datetime, label: str = "", key: str | None = None
) -> tuple[InstitutionApiKey, str]:
    """Issue an API key and return it in clear once; only its SHA-256 digest is stored.

    ``key`` lets the demo install a documented key; otherwise 32 random bytes are drawn.
    """
    if key is None:
        key = f"{KEY_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    if not key.startswith(KEY_PREFIX) or "_" not in key[len(KEY_PREFIX) :]:
        raise ValueError("an API key looks like lmk_<prefix>_<secret>")
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    row = InstitutionApiKey.objects.create(
        client=client, label=label, prefix=prefix, digest=_digest(key), created_at=now
    )
    return row, key


def api_key_revoke(*, api_key: InstitutionApiKey, now: datetime) -> None:
    InstitutionApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)


def api_key_authenticate(*, key: str, now: datetime) -> InstitutionClient | None:
    """The active institution owning ``key``, or None (unknown, revoked, or client disabled)."""
    if not key or not key.startswith(KEY_PREFIX) or "_" not in key[len(KEY_PREFIX) :]:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    row = (
        InstitutionApiKey.objects.select_related("client", "client__party")
        .filter(prefix=prefix, revoked_at__isnull=True, client__active=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.digest, _digest(key)):
        return None
    InstitutionApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.client


def client_may_file(client: InstitutionClient, court: Court) -> bool:
    return client.active and client.courts.filter(pk=court.pk).exists()


# --- submission -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchSubmission:
    batch: IntakeBatch
    replayed: bool


def _content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _json_content(rows: Sequence[dict[str, Any]]) -> bytes:
    return json.dumps(list(rows), ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def _lease() -> timedelta:
    return timedelta(seconds=int(filing_setting("LEASE_SECONDS")))


def batch_submit(
    *,
    court: Court,
    client: InstitutionClient,
    external_id: str,
    now: datetime,
    actor: User | None = None,
    via_api: bool = False,
    filename: str = "",
    content: bytes | None = None,
    rows: Sequence[dict[str, Any]] | None = None,
    process: str = "background",
) -> BatchSubmission:
    """Take a batch from ``client`` for ``court``: a file (``content`` + ``filename``, XLSX or
    CSV) or ``rows`` (JSON objects keyed by the column headers).

    A staff ``actor`` needs ``filing.batch`` in ``court``; the client must be active and allowed
    to file there. A file is checked cheaply before it is stored (size; an XLSX's ZIP directory,
    so a decompression bomb is refused with ``upload_too_large`` and nothing is stored) and is
    never parsed here. ``process``: ``"background"`` (pages and the API) queues the batch for the
    worker, ``"inline"`` runs it now (demo, command line), ``"none"`` only stores it (the
    sweep will pick it up once its hold lapses).
    """
    if actor is not None:
        require(actor, "filing.batch", court=court)
    if not client_may_file(client, court):
        raise PermissionDenied(
            f"{client.name}未获准向{court.name}批量立案。",
            code=FilingErrorCode.COURT_NOT_ALLOWED,
            details={"court": court.code},
        )
    external_id = (external_id or "").strip()
    if content is None and rows is None:
        raise BatchRefused("请上传文件或提交数据行。")
    if content is not None:
        source = sniff_kind(filename, content)
    else:
        assert rows is not None
        content = _json_content(rows)
        source = BatchSource.JSON
        filename = filename or "rows.json"
    if len(content) > int(filing_setting("MAX_UPLOAD_BYTES")):
        raise BatchRefused("文件过大。", details={"bytes": len(content)})
    upload_check(source, content)
    digest = _content_hash(content)
    if not external_id:
        external_id = f"upload-{digest[:24]}"
    if len(external_id) > 64:
        raise BatchRefused("批次号最多64个字符。")
    existing = IntakeBatch.objects.filter(client=client, external_id=external_id).first()
    if existing is not None:
        return _replay(existing, digest, court)
    try:
        with transaction.atomic():
            batch = IntakeBatch.objects.create(
                court=court,
                client=client,
                external_id=external_id,
                content_hash=digest,
                source=source,
                original_name=(filename or "")[:255],
                uploaded_by=actor,
                via_api=via_api,
                created_at=now,
                lease_until=now + _lease(),
            )
            ext = {"xlsx": "xlsx", "csv": "csv", "json": "json"}[source]
            batch.file.save(f"{court.code}-{batch.pk}-{digest[:12]}.{ext}", ContentFile(content), save=True)
    except IntegrityError:
        existing = IntakeBatch.objects.get(client=client, external_id=external_id)
        return _replay(existing, digest, court)
    if process == "inline":
        batch = batch_process(batch_id=batch.pk, now=now)
    elif process == "background":
        from .tasks import batch_process_task

        transaction.on_commit(lambda: batch_process_task.enqueue(batch.pk))
    return BatchSubmission(batch=batch, replayed=False)


def _replay(existing: IntakeBatch, digest: str, court: Court) -> BatchSubmission:
    if existing.content_hash != digest or existing.court_id != court.pk:
        raise BatchIdConflict(
            f"批次号“{existing.external_id}”已用于另一批数据，请使用新的批次号。",
            details={"batch": existing.pk, "batch_id": existing.external_id},
        )
    return BatchSubmission(batch=existing, replayed=True)


# --- processing -------------------------------------------------------------------------------


def _limits(now: datetime) -> ValidationLimits:
    return ValidationLimits(
        today=timezone.localtime(now).date(),
        max_annual_rate=Decimal(str(filing_setting("MAX_ANNUAL_RATE"))),
        max_overdue_rate=Decimal(str(filing_setting("MAX_OVERDUE_RATE"))),
    )


@contextmanager
def _read_batch(batch: IntakeBatch) -> Iterator[ParsedSheet]:
    """The stored file as a sheet whose rows stream from the open file (caps in ``reading``)."""
    with batch.file.open("rb") as fh:
        if batch.source == BatchSource.JSON:
            items = json.loads(fh.read())
            if not isinstance(items, list):
                raise UnreadableFile("rows 应为对象数组。")
            yield read_json_rows(items)
        else:
            yield read_upload(batch.original_name or f"x.{batch.source}", fh)[1]


def _mark_already_filed(batch: IntakeBatch, results: list[RowResult]) -> None:
    """重复立案: a contract this client already has a case for is refused."""
    wanted = [r.contract_no for r in results if r.ok]
    filed: dict[str, tuple[str, str]] = {}
    for i in range(0, len(wanted), 500):
        for contract, number, ext in LoanClaim.objects.filter(
            client=batch.client, contract_no__in=wanted[i : i + 500]
        ).values_list("contract_no", "case__number", "batch__external_id"):
            filed[contract] = (number, ext)
    for r in results:
        if r.ok and r.contract_no in filed:
            number, ext = filed[r.contract_no]
            r.errors.append(
                {
                    "field": "contract_no",
                    "column": "合同编号",
                    "code": RowErrorCode.DUPLICATE_FILED,
                    "message": f"重复立案：合同编号“{r.contract_no}”已于批次{ext}立案（案号{number}）",
                }
            )
            r.data = {}


def _refuse(batch: IntakeBatch, message: str, now: datetime) -> IntakeBatch:
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.REJECTED, message=message[:500], finished_at=now, progress_done=0, progress_total=0
    )
    batch.refresh_from_db()
    return batch


def batch_validate(*, batch: IntakeBatch, now: datetime) -> IntakeBatch:
    """Read and validate every row, store the rows with their errors (all at once, or none),
    and move the batch to ``creating``. A file that cannot be taken at all (unreadable, over a
    cap of :mod:`lastmile.filing.reading`, no data, required columns missing) rejects the batch
    with the reason; a cell over the cap is an error of its row only."""
    try:
        with _read_batch(batch) as sheet:
            hmap = header_map(sheet.headers)
            if hmap.missing:
                return _refuse(batch, f"缺少必需的列：{'、'.join(hmap.missing)}", now)
            results = validate_sheet(sheet, hmap, _limits(now))
    except (UnreadableFile, OSError, ValueError) as exc:
        message = exc.message if isinstance(exc, UnreadableFile) else "无法读取文件，请确认文件未损坏。"
        return _refuse(batch, message, now)
    if not results:
        return _refuse(batch, "文件中没有数据行。", now)
    _mark_already_filed(batch, results)
    errors = sum(1 for r in results if not r.ok)
    with transaction.atomic():
        locked = IntakeBatch.objects.select_for_update().get(pk=batch.pk)
        if IntakeRow.objects.filter(batch=locked).exists():  # another worker stored them first
            return locked
        IntakeRow.objects.bulk_create(
            [
                IntakeRow(
                    batch=locked,
                    row_number=r.row_number,
                    raw=r.raw,
                    data=r.data,
                    contract_no=(r.contract_no if r.ok else _raw_contract(r, hmap.index.get("contract_no")))[
                        :64
                    ],
                    status=RowStatus.OK if r.ok else RowStatus.ERROR,
                    errors=r.errors,
                )
                for r in results
            ],
            batch_size=1000,
        )
        IntakeBatch.objects.filter(pk=locked.pk).update(
            status=BatchStatus.CREATING,
            headers=sheet.headers,
            total_rows=len(results),
            ok_rows=len(results) - errors,
            error_rows=errors,
            progress_total=len(results),
            progress_done=errors,
        )
    batch.refresh_from_db()
    return batch


def _raw_contract(r: RowResult, pos: int | None) -> str:
    return r.raw[pos].strip() if pos is not None and pos < len(r.raw) else ""


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
    IntakeRow.objects.bulk_update(rows, ["case"])


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


def batch_finish(*, batch: IntakeBatch, now: datetime) -> IntakeBatch:
    """Settle the status from the rows and write the error report."""
    batch.refresh_from_db()
    pending = IntakeRow.objects.filter(batch=batch, status=RowStatus.OK, case__isnull=True).exists()
    if pending:
        return batch
    created = IntakeRow.objects.filter(batch=batch, case__isnull=False).count()
    errors = IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR).count()
    if created == 0:
        status = BatchStatus.REJECTED
    elif errors == 0:
        status = BatchStatus.ACCEPTED
    else:
        status = BatchStatus.PARTIALLY_ACCEPTED
    if errors and not batch.error_report:
        report = error_report_xlsx(batch.headers, batch_error_rows_iter(batch))
        batch.error_report.save(f"{batch.court.code}-{batch.pk}-errors.xlsx", ContentFile(report), save=False)
    IntakeBatch.objects.filter(pk=batch.pk).update(
        status=status,
        created_cases=created,
        ok_rows=created,
        error_rows=errors,
        progress_done=F("progress_total"),
        error_report=batch.error_report.name or "",
        finished_at=now,
        message=f"受理{created}件，未受理{errors}行。",
    )
    batch.refresh_from_db()
    return batch


def batch_error_rows_iter(batch: IntakeBatch) -> Iterable[tuple[int, list[Any], list[dict[str, Any]]]]:
    qs = IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR).order_by("row_number")
    yield from qs.values_list("row_number", "raw", "errors").iterator(chunk_size=2000)


def batch_error_report(*, batch: IntakeBatch) -> bytes:
    """The XLSX of refused rows (from the stored file, or built now)."""
    if batch.error_report:
        with batch.error_report.open("rb") as fh:
            return fh.read()
    return error_report_xlsx(batch.headers, batch_error_rows_iter(batch))


def batch_process(
    *, batch_id: int, now: datetime, progress: ProgressFn | None = None, clock: Clock | None = None
) -> IntakeBatch:
    """Validate a batch (once) and create its cases. Idempotent and resumable: a finished batch
    is returned as it is; an interrupted one continues where it stopped.

    The batch is held while it is worked on (``lease_until`` = the time of ``clock`` +
    ``LEASE_SECONDS``, renewed after every chunk), so :func:`batches_reclaim` leaves it alone
    until its worker stops renewing."""
    clock = clock or get_clock()

    def heartbeat() -> None:
        IntakeBatch.objects.filter(pk=batch_id).exclude(status__in=FINISHED_STATUSES).update(
            lease_until=clock.now() + _lease()
        )

    with transaction.atomic():
        batch = (
            IntakeBatch.objects.select_for_update()
            .select_related("client", "client__party", "court")
            .get(pk=batch_id)
        )
        if batch.is_finished:
            return batch
        batch.lease_until = clock.now() + _lease()
        if batch.status == BatchStatus.RECEIVED:
            batch.status = BatchStatus.VALIDATING
            batch.started_at = now
        batch.save(update_fields=["status", "started_at", "lease_until"])
    if batch.status == BatchStatus.VALIDATING:
        batch = batch_validate(batch=batch, now=now)
        if batch.is_finished:
            return batch
        heartbeat()
    if batch.status != BatchStatus.CREATING:
        raise InvalidTransition("批次状态异常，无法继续处理。", details={"status": batch.status})
    batch_create_cases(batch=batch, progress=progress, heartbeat=heartbeat)
    return batch_finish(batch=batch, now=now)


def batches_reclaim(*, now: datetime, limit: int = 500) -> list[int]:
    """The sweep: re-queue every unfinished batch whose hold lapsed (its worker died, or its
    task was lost), taking the hold for the new run so a batch is queued once per lapse.
    Returns the ids re-queued. Resuming is :func:`batch_process`'s (idempotent) job: rows that
    already have a case are never filed again."""
    from .tasks import batch_process_task

    lapsed_q = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    # a batch that keeps killing its worker is left for a person (lastmile filing process <id>)
    retry = Q(reclaims__lt=int(filing_setting("MAX_RECLAIMS")))
    lapsed = (
        IntakeBatch.objects.exclude(status__in=FINISHED_STATUSES)
        .filter(lapsed_q, retry)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    requeued = []
    for pk in list(lapsed):
        taken = (
            IntakeBatch.objects.filter(pk=pk)
            .exclude(status__in=FINISHED_STATUSES)
            .filter(lapsed_q, retry)
            .update(lease_until=now + _lease(), reclaims=F("reclaims") + 1)
        )
        if taken:
            requeued.append(pk)
            transaction.on_commit(lambda pk=pk: batch_process_task.enqueue(pk))  # type: ignore[misc]
    return requeued
