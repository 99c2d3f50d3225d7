"""Registering many cases at once, with the same results as the case core one by one.

:func:`cases_register_many` is :func:`lastmile.cases.services.case_register` for a block of cases:
the numbers come from the same :class:`~lastmile.cases.models.CaseNumberCounter`, taken as one
block under its row lock (gapless and in order of receipt, 法〔2015〕137号 art. 9; a rolled-back
transaction gives the whole block back), cases and their parties are inserted in bulk, and each
case gets the same ``case.registered`` event through
:func:`lastmile.cases.services.case_event_record`, so the hash chain is the one the core writes.
:func:`parties_upsert_many` is :func:`lastmile.parties.services.party_upsert` for many identities.

Both must run inside the caller's transaction. If the case core changes what ``case_register``
or ``party_upsert`` store, change these too (tests compare the two paths field by field).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case, CaseNumberCounter, CaseParty, CaseStatus
from lastmile.cases.services import PartyInRole, case_event_record
from lastmile.core.identifiers import case_number_str, validate_resident_id
from lastmile.core.legal import LegalBasis
from lastmile.core.money import to_money
from lastmile.parties.models import IdType, Party


@dataclass(frozen=True)
class CaseSpec:
    parties: Sequence[PartyInRole]
    amount_claimed: Decimal | None = None
    data: dict[str, Any] | None = None


def case_numbers_allocate_block(
    *, court: Court, year: int, type_code: str, count: int, special_code: str = ""
) -> int:
    """Take ``count`` consecutive serial numbers; returns the first. Same counter and lock as
    :func:`lastmile.cases.services.case_number_allocate`; must run inside the transaction that
    creates the cases."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_numbers_allocate_block must run inside a transaction")
    key = {"court": court, "year": year, "special_code": special_code, "type_code": type_code}
    counter = CaseNumberCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(**key, last_seq=0)
        except IntegrityError:
            pass
        counter = CaseNumberCounter.objects.select_for_update().get(**key)
    first = counter.last_seq + 1
    counter.last_seq += count
    counter.save(update_fields=["last_seq"])
    return first


def cases_register_many(
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
    """Register one case per spec, numbered consecutively in spec order (see module doc)."""
    if not specs:
        return []
    if any(not s.parties for s in specs):
        raise ValueError("every case needs at least one party")
    year = timezone.localtime(now).year
    first = case_numbers_allocate_block(court=court, year=year, type_code=type_code, count=len(specs))
    cases = Case.objects.bulk_create(
        [
            Case(
                court=court,
                year=year,
                special_code="",
                type_code=type_code,
                seq=first + i,
                number=case_number_str(year, court.code, type_code, first + i),
                cause=cause,
                status=status,
                received_at=now,
                filed_at=now if status != CaseStatus.RECEIVED else None,
                amount_claimed=to_money(s.amount_claimed) if s.amount_claimed is not None else None,
                created_by=actor,
            )
            for i, s in enumerate(specs)
        ]
    )
    links = []
    for case, spec in zip(cases, specs, strict=True):
        positions: dict[str, int] = {}
        for item in spec.parties:
            positions[item.role] = positions.get(item.role, 0) + 1
            links.append(
                CaseParty(case=case, party=item.party, role=item.role, position=positions[item.role])
            )
    CaseParty.objects.bulk_create(links)
    for case, spec in zip(cases, specs, strict=True):
        case_event_record(
            case=case,
            kind="case.registered",
            summary=f"立案登记，案号{case.number}",
            actor=actor,
            now=now,
            data={
                "number": case.number,
                "type_code": type_code,
                "amount_claimed": case.amount_claimed,
                "parties": [{"party": p.party.pk, "role": p.role} for p in spec.parties],
                **(spec.data or {}),
            },
            legal_basis=legal_basis,
        )
    return cases


def parties_upsert_many(
    *, identities: Sequence[dict[str, str]], now: datetime
) -> dict[tuple[str, str], Party]:
    """Find or create a party per identity (already validated and normalised), in order, with the
    contact refresh of ``party_upsert``: the name is replaced, a non-empty phone or address too.
    Existing rows are locked in primary-key order. Returns ``{(id_type, id_number): party}``."""
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for ident in identities:
        key = (ident["id_type"], ident["id_number"])
        merged = dict(wanted.get(key, {}))
        merged.update({k: v for k, v in ident.items() if v or k in ("kind", "name")})
        wanted[key] = merged
    found: dict[tuple[str, str], Party] = {}
    by_type: dict[str, list[str]] = {}
    for id_type, number in wanted:
        by_type.setdefault(id_type, []).append(number)
    for id_type, numbers in by_type.items():
        for party in (
            Party.objects.select_for_update().filter(id_type=id_type, id_number__in=numbers).order_by("pk")
        ):
            found[(party.id_type, party.id_number)] = party
    changed: list[Party] = []
    new: list[Party] = []
    for key, ident in wanted.items():
        existing = found.get(key)
        fresh = existing is None
        party = existing or Party(kind=ident["kind"], id_type=key[0], id_number=key[1], created_at=now)
        before = (party.name, party.sex, party.birth_date, party.phone, party.address)
        party.name = ident["name"].strip()
        if key[0] == IdType.RESIDENT_ID:
            rid = validate_resident_id(key[1])
            party.sex, party.birth_date = rid.sex, rid.birth_date
        for field in ("phone", "address"):
            if ident.get(field):
                setattr(party, field, ident[field].strip())
        if fresh:
            new.append(party)
        elif (party.name, party.sex, party.birth_date, party.phone, party.address) != before:
            changed.append(party)
        found[key] = party
    if new:
        Party.objects.bulk_create(new)
    if changed:
        Party.objects.bulk_update(changed, ["name", "sex", "birth_date", "phone", "address"])
    return found
