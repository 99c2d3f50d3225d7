"""What a case contributes to its documents: court, number, parties (full identity, as court
documents print it), amounts and the officer. Callers add their own elements on top."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from lastmile.accounts.models import Court
from lastmile.cases.models import Case, CaseParty, PartyRole
from lastmile.parties.models import IdType, Party

_ROLE_KEYS: dict[str, str] = {
    PartyRole.APPLICANT: "applicants",
    PartyRole.RESPONDENT: "respondents",
    PartyRole.PLAINTIFF: "plaintiffs",
    PartyRole.DEFENDANT: "defendants",
    PartyRole.APPLICANT_MEDIATION: "claimants",
    PartyRole.RESPONDENT_MEDIATION: "counterparties",
    PartyRole.THIRD_PARTY: "third_parties",
    PartyRole.GUARANTOR: "guarantors",
}


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def party_context(party: Party) -> dict[str, Any]:
    """A party as documents print it: ``desc`` is the identity line, ``rep`` the representative."""
    if party.is_person:
        bits = [party.name]
        if party.sex:
            bits.append(party.get_sex_display())
        if party.birth_date:
            b = party.birth_date
            bits.append(f"{b.year}年{b.month}月{b.day}日出生")
        if party.id_number:
            label = "公民身份号码" if party.id_type == IdType.RESIDENT_ID else party.get_id_type_display()
            bits.append(f"{label}{party.id_number}")
        if party.address:
            bits.append(f"住{party.address}")
        rep = ""
    else:
        bits = [party.name]
        if party.address:
            bits.append(f"住所地{party.address}")
        if party.id_number:
            bits.append(f"{party.get_id_type_display()}{party.id_number}")
        if party.legal_representative_id:
            rep = f"法定代表人：{party.legal_representative.name}"  # type: ignore[union-attr]
        elif party.principal_id:
            rep = f"负责人：{party.principal.name}"  # type: ignore[union-attr]
        else:
            rep = ""
    return {
        "id": party.pk,
        "name": party.name,
        "is_person": party.is_person,
        "desc": "，".join(bits) + "。",
        "rep": rep,
        "sex": party.get_sex_display() if party.sex else "",
        "id_type": party.get_id_type_display(),
        "id_number": party.id_number,
        "address": party.address,
        "service_address": party.service_address,
        "phone": party.phone,
    }


def court_context(court: Court) -> dict[str, Any]:
    return {
        "name": court.name,
        "short_name": court.short_name,
        "code": court.code,
        "address": court.address,
        "phone": court.phone,
    }


def case_context(case: Case) -> dict[str, Any]:
    """The elements every case document may use (see docs/documents.md for the list)."""
    ctx: dict[str, Any] = {key: [] for key in _ROLE_KEYS.values()}
    rows = (
        CaseParty.objects.filter(case=case)
        .select_related("party", "party__legal_representative", "party__principal")
        .order_by("role", "position")
    )
    for row in rows:
        ctx[_ROLE_KEYS.get(row.role, "third_parties")].append(party_context(row.party))
    debtors = ctx["respondents"] or ctx["defendants"] or ctx["counterparties"]
    creditors = ctx["applicants"] or ctx["plaintiffs"] or ctx["claimants"]
    ctx.update(
        court=court_context(case.court),
        case={
            "id": case.pk,
            "number": case.number,
            "cause": case.cause,
            "type_code": case.type_code,
            "received_on": _day(case.received_at),
            "filed_on": _day(case.filed_at or case.received_at),
            "amount_claimed": case.amount_claimed,
        },
        officer={"name": case.officer.name if case.officer else ""},
        debtors=debtors,
        creditors=creditors,
        person=debtors[0] if debtors else {},
        recipient=debtors[0] if debtors else {},
    )
    return ctx


def json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Decimals, dates and the like as strings: what is stored is exactly what was rendered."""
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return result
