"""What a case contributes to its documents: court, number, parties (full identity, as court
documents print it), amounts and the officer. Callers add their own elements on top."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from lastmile.accounts.models import Court, Role, User
from lastmile.accounts.selectors import clerk_of
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty, PartyRole
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


# 民诉解释 (2022) art. 52 items 5–6: a branch of a legal person (a bank's 分行/支行, a company's
# 分公司) is an "other organisation", which litigates through its 主要负责人 (art. 50 para. 2), not a
# 法定代表人. Branches are known by the endings of their registered names.
BRANCH_SUFFIXES = ("分行", "支行", "分理处", "营业部", "分公司", "分中心", "分所", "办事处", "分社")

GUARANTOR_CAPACITY = "连带责任保证人"
"""How a guarantor's line reads (被告（连带责任保证人）：…): the loan contracts banks sue on provide
joint and several guarantees (民法典 arts. 688, 686 para. 2)."""


def is_branch(name: str) -> bool:
    return name.strip().endswith(BRANCH_SUFFIXES)


def representative_line(party: Party) -> str:
    """The line under an organisation: ``法定代表人：X`` for a legal person, ``负责人：X`` for a
    branch or other organisation (民诉解释 2022 art. 50; art. 52 items 5–6)."""
    if party.is_person:
        return ""
    lr = party.legal_representative if party.legal_representative_id else None
    head = party.principal if party.principal_id else None
    if is_branch(party.name) or lr is None:
        who = head or lr
        return f"负责人：{who.name}" if who is not None else ""
    return f"法定代表人：{lr.name}"


def party_context(party: Party, *, guarantor: bool = False) -> dict[str, Any]:
    """A party as documents print it: ``desc`` is the identity line, ``rep`` the representative
    (法定代表人 or 负责人), ``capacity`` what a guarantor is liable as (empty for others)."""
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
        rep = representative_line(party)
    return {
        "id": party.pk,
        "name": party.name,
        "is_person": party.is_person,
        "desc": "，".join(bits) + "。",
        "rep": rep,
        "guarantor": guarantor,
        "capacity": GUARANTOR_CAPACITY if guarantor else "",
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


def signer_title(user: User | None) -> str:
    """How the officer signs a ruling: 执行员 for an enforcement officer, else 审判员."""
    return "执行员" if user is not None and user.role == Role.ENFORCEMENT_OFFICER else "审判员"


_DEBTOR_KEYS = ("respondents", "defendants", "counterparties")


def case_parties_many(case_ids: Iterable[int]) -> dict[int, list[CaseParty]]:
    """The parties of many cases in one query (with what :func:`party_context` reads), by case id,
    in the order :func:`case_context` lists them."""
    by_case: dict[int, list[CaseParty]] = {}
    rows = (
        CaseParty.objects.filter(case_id__in=list(case_ids))
        .select_related("party", "party__legal_representative", "party__principal")
        .order_by("case_id", "role", "position")
    )
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return by_case


def officers_many(user_ids: Iterable[int]) -> dict[int, User]:
    """Case officers with their 书记员 (what :func:`case_context` reads about them), in one query."""
    ids = [i for i in set(user_ids) if i is not None]
    return User.objects.select_related("clerk").in_bulk(ids) if ids else {}


def case_context(
    case: Case,
    *,
    guarantor_ids: Iterable[int] = (),
    parties: Sequence[CaseParty] | None = None,
    officers: Mapping[int, User] | None = None,
) -> dict[str, Any]:
    """The elements every case document may use (see docs/documents.md for the list).

    Guarantors are debtors liable as 连带责任保证人: a party in the case's 担保人 role, or a debtor
    the caller names in ``guarantor_ids`` (the stage that knows the loan, e.g. a borrower's
    guarantors registered as 被申请人/被告). They are listed with the debtors, after them, marked
    ``guarantor`` and ``capacity``, and again under ``guarantors``.

    A caller issuing many documents passes what it prefetched for many cases at once:
    ``parties`` (this case's rows from :func:`case_parties_many`) and ``officers``
    (:func:`officers_many`); the result is the same."""
    marked = {int(i) for i in guarantor_ids}
    ctx: dict[str, Any] = {key: [] for key in _ROLE_KEYS.values()}
    if parties is None:
        parties = case_parties_many([case.pk]).get(case.pk, [])
    for row in parties:
        guarantor = row.role == PartyRole.GUARANTOR or (row.role in DEBTOR_ROLES and row.party_id in marked)
        ctx[_ROLE_KEYS.get(row.role, "third_parties")].append(party_context(row.party, guarantor=guarantor))
    side = next((key for key in _DEBTOR_KEYS if ctx[key]), None)
    for key in _DEBTOR_KEYS:  # principal debtors first, their guarantors after them
        ctx[key].sort(key=lambda p: p["guarantor"])
    if side is not None:
        ctx[side] += ctx["guarantors"]
        ctx["guarantors"] = [p for p in ctx[side] if p["guarantor"]]
    debtors = ctx["respondents"] or ctx["defendants"] or ctx["counterparties"]
    creditors = ctx["applicants"] or ctx["plaintiffs"] or ctx["claimants"]
    officer = case_officer(case, officers)
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
        officer={"name": officer.name if officer else "", "title": signer_title(officer)},
        clerk=clerk.name if (clerk := clerk_of(officer)) is not None else "",
        debtors=debtors,
        creditors=creditors,
        person=debtors[0] if debtors else {},
        recipient=debtors[0] if debtors else {},
    )
    return ctx


def case_officer(case: Case, officers: Mapping[int, User] | None = None) -> User | None:
    """The case's officer, from ``officers`` (:func:`officers_many`) when the caller prefetched it."""
    if case.officer_id is None:
        return None
    if officers is not None and case.officer_id in officers:
        return officers[case.officer_id]
    return case.officer


def json_safe(data: dict[str, Any]) -> dict[str, Any]:
    """Decimals, dates and the like as strings: what is stored is exactly what was rendered."""
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return result
