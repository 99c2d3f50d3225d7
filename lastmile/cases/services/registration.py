"""Registering cases: gapless numbers, parties in their roles, the registration event; assigning officers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lastmile.accounts.models import Court, Team, User
from lastmile.core.errors import InvalidTransition
from lastmile.core.identifiers import case_number_str
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.parties.models import Party

from ..kinds import CasesEvent
from ..models import (
    Case,
    CaseNumberCounter,
    CaseParty,
    CaseStatus,
    Deadline,
)
from .chain import ChainEntry, audit_chain_append


def case_number_allocate(*, court: Court, year: int, type_code: str, special_code: str = "") -> int:
    """Take the next serial number for (court, year, special code, type code).

    Must run inside the transaction that creates the case: the counter row stays locked until
    that transaction ends, so two filings can never take the same number and a rolled-back
    filing gives its number back (no gaps). 法〔2015〕137号 art. 9.
    """
    return case_numbers_allocate_block(
        court=court, year=year, type_code=type_code, count=1, special_code=special_code
    )


def case_numbers_allocate_block(
    *, court: Court, year: int, type_code: str, count: int, special_code: str = ""
) -> int:
    """Take ``count`` consecutive serial numbers under one lock of the counter; returns the first.

    Must run inside the transaction that creates the cases (see :func:`case_number_allocate`):
    gapless and in order of receipt, 法〔2015〕137号 art. 9; a rolled-back transaction gives the
    whole block back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_allocate must run inside a transaction")
    key = {"court": court, "year": year, "special_code": special_code, "type_code": type_code}
    counter = CaseNumberCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(**key, last_seq=0)
        except IntegrityError:
            pass  # another filing created it first; lock theirs below
        counter = CaseNumberCounter.objects.select_for_update().get(**key)
    first = counter.last_seq + 1
    counter.last_seq += count
    counter.save(update_fields=["last_seq"])
    return first


@dataclass(frozen=True)
class PartyInRole:
    party: Party
    role: str


@dataclass(frozen=True)
class CaseSpec:
    """One case of :func:`case_register_many`."""

    parties: Sequence[PartyInRole]
    amount_claimed: Decimal | None = None
    data: dict[str, Any] | None = None


def _case_row(
    *,
    court: Court,
    year: int,
    type_code: str,
    seq: int,
    special_code: str,
    cause: str,
    status: str,
    now: datetime,
    amount_claimed: Decimal | None,
    actor: User | None,
    officer: User | None = None,
    parent: Case | None = None,
) -> Case:
    return Case(
        court=court,
        year=year,
        special_code=special_code,
        type_code=type_code,
        seq=seq,
        number=case_number_str(year, court.code, type_code, seq, special_code=special_code),
        cause=cause,
        status=status,
        received_at=now,
        filed_at=now if status != CaseStatus.RECEIVED else None,
        amount_claimed=to_money(amount_claimed) if amount_claimed is not None else None,
        officer=officer,
        parent=parent,
        created_by=actor,
    )


def _party_links(case: Case, parties: Sequence[PartyInRole]) -> list[CaseParty]:
    """The case's parties, numbered from 1 within each role in the order given."""
    positions: dict[str, int] = {}
    links = []
    for item in parties:
        positions[item.role] = positions.get(item.role, 0) + 1
        links.append(CaseParty(case=case, party=item.party, role=item.role, position=positions[item.role]))
    return links


def _registered_entry(
    *,
    case: Case,
    parties: Sequence[PartyInRole],
    actor: User | None,
    now: datetime,
    summary: str | None,
    data: dict[str, Any] | None,
    legal_basis: LegalBasis | None,
) -> ChainEntry:
    return ChainEntry(
        kind=CasesEvent.REGISTERED,
        summary=summary or f"立案登记，案号{case.number}",
        occurred_at=now,
        case_id=case.pk,
        actor=actor,
        data={
            "number": case.number,
            "type_code": case.type_code,
            "amount_claimed": case.amount_claimed,
            "parties": [{"party": p.party.pk, "role": p.role} for p in parties],
            **(data or {}),
        },
        legal_basis=legal_basis,
    )


@transaction.atomic
def case_register(
    *,
    court: Court,
    type_code: str,
    parties: Sequence[PartyInRole],
    actor: User | None,
    now: datetime,
    cause: str = "",
    amount_claimed: Decimal | None = None,
    special_code: str = "",
    parent: Case | None = None,
    status: str = CaseStatus.FILED,
    officer: User | None = None,
    summary: str | None = None,
    legal_basis: LegalBasis | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Register a case and give it its number (收案年度 = the year of receipt, Beijing time).

    Numbers follow 法〔2015〕137号 (as amended by 法〔2018〕335号):
    ``（年度）法院代字[专门审判代字]类型代字编号号``.
    """
    if not parties:
        raise InvalidTransition("案件至少应有一方当事人。")
    year = timezone.localtime(now).year
    seq = case_number_allocate(court=court, year=year, type_code=type_code, special_code=special_code)
    case = _case_row(
        court=court,
        year=year,
        type_code=type_code,
        seq=seq,
        special_code=special_code,
        cause=cause,
        status=status,
        now=now,
        amount_claimed=amount_claimed,
        actor=actor,
        officer=officer,
        parent=parent,
    )
    case.save(force_insert=True)
    for link in _party_links(case, parties):
        link.save(force_insert=True)
    audit_chain_append(
        court=court,
        entries=[
            _registered_entry(
                case=case,
                parties=parties,
                actor=actor,
                now=now,
                summary=summary,
                data=data,
                legal_basis=legal_basis,
            )
        ],
    )
    return case


def case_register_many(
    *,
    court: Court,
    type_code: str,
    specs: Sequence[CaseSpec],
    actor: User | None,
    now: datetime,
    cause: str = "",
    legal_basis: LegalBasis | None = None,
    status: str = CaseStatus.FILED,
) -> list[Case]:
    """:func:`case_register` for a block of cases (bulk filing), numbered consecutively in spec
    order from one block of the same counter (:func:`case_numbers_allocate_block`). Cases, their
    parties and their ``case.registered`` events (the same rows the one-by-one path writes, in the
    same order on the court's hash chain) are inserted in bulk. Must run inside the caller's
    transaction."""
    if not specs:
        return []
    if any(not s.parties for s in specs):
        raise ValueError("every case needs at least one party")
    year = timezone.localtime(now).year
    first = case_numbers_allocate_block(court=court, year=year, type_code=type_code, count=len(specs))
    cases = Case.objects.bulk_create(
        [
            _case_row(
                court=court,
                year=year,
                type_code=type_code,
                seq=first + i,
                special_code="",
                cause=cause,
                status=status,
                now=now,
                amount_claimed=s.amount_claimed,
                actor=actor,
            )
            for i, s in enumerate(specs)
        ]
    )
    CaseParty.objects.bulk_create(
        [link for case, spec in zip(cases, specs, strict=True) for link in _party_links(case, spec.parties)]
    )
    audit_chain_append(
        court=court,
        entries=[
            _registered_entry(
                case=case,
                parties=spec.parties,
                actor=actor,
                now=now,
                summary=None,
                data=spec.data,
                legal_basis=legal_basis,
            )
            for case, spec in zip(cases, specs, strict=True)
        ],
    )
    return cases


@transaction.atomic
def case_assign(*, case: Case, officer: User | None, team: Team | None, deadlines: bool = False) -> Case:
    """Give the case its officer (承办人) and team; with ``deadlines``, the case's open deadlines
    follow the new officer. ``case`` is refreshed from the database."""
    Case.objects.filter(pk=case.pk).update(officer=officer, team=team)
    if deadlines:
        Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).update(
            assignee=officer
        )
    case.refresh_from_db()
    return case
