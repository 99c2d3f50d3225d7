"""Accounts: the court's system accounts and each case's own account (一案一账号), with their
virtual account numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction

from lastmile.accounts.models import Court
from lastmile.cases.models import Case
from lastmile.core.db import bulk_cursor

from ..conf import funds_setting
from ..models import Account, AccountKind

_SYSTEM_DIGIT = {AccountKind.BANK: "1", AccountKind.UNCLAIMED: "2", AccountKind.PAYOUT_PENDING: "3"}
_SYSTEM_NAMES = {
    AccountKind.BANK: "执行款专户",
    AccountKind.UNCLAIMED: "待认领款项",
    AccountKind.PAYOUT_PENDING: "待划付款项",
}


def luhn_check_digit(digits: str) -> str:
    """The Luhn (ISO/IEC 7812-1) check digit of a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_check_digit(number[:-1]) == number[-1]


def virtual_account_number(*, court_id: int, kind: str, case_id: int | None = None) -> str:
    """一案一账号: ``<prefix><kind 1><court 5><serial 10><Luhn 1>``.

    kind digit 9 = case account (serial = the case's id), 1/2/3 = the court's execution account,
    unclaimed and pending accounts (serial 0). Deterministic, unique (ids are unique), and one
    mistyped digit or swapped neighbours are caught by the check digit.
    """
    prefix = str(funds_setting("VIRTUAL_ACCOUNT_PREFIX") or "")
    kind_digit = "9" if kind == AccountKind.CASE else _SYSTEM_DIGIT[AccountKind(kind)]
    body = f"{prefix}{kind_digit}{court_id:05d}{(case_id or 0):010d}"
    return body + luhn_check_digit(body)


def _get_or_create_account(*, court_id: int, kind: str, case: Case | None) -> Account:
    lookup: dict[str, Any] = (
        {"case": case} if case is not None else {"court_id": court_id, "kind": kind, "case__isnull": True}
    )
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    name = f"{case.number} 案款账户" if case is not None else _SYSTEM_NAMES[AccountKind(kind)]
    try:
        with transaction.atomic():
            return Account.objects.create(
                court_id=court_id,
                case=case,
                kind=kind,
                number=virtual_account_number(
                    court_id=court_id, kind=kind, case_id=case.pk if case else None
                ),
                name=name,
            )
    except IntegrityError:
        return Account.objects.get(**lookup)


def system_account(*, court_id: int, kind: str) -> Account:
    return _get_or_create_account(court_id=court_id, kind=kind, case=None)


def case_account(*, case: Case) -> Account:
    """The case's own account (一案一账号), opened on first use."""
    return _get_or_create_account(court_id=case.court_id, kind=AccountKind.CASE, case=case)


def _case_accounts(court: Court, cases: Sequence[Case]) -> dict[int, int]:
    """{case id: account id} of ``cases`` (all of ``court``), opening the missing accounts with
    one bulk insert (a bank statement naming many new cases)."""
    found = _account_ids_of_cases([c.pk for c in cases])
    missing = [c for c in cases if c.pk not in found]
    if missing:
        Account.objects.bulk_create(
            [
                Account(
                    court_id=court.pk,
                    case=c,
                    kind=AccountKind.CASE,
                    number=virtual_account_number(court_id=court.pk, kind=AccountKind.CASE, case_id=c.pk),
                    name=f"{c.number} 案款账户",
                )
                for c in missing
            ],
            batch_size=1000,
            ignore_conflicts=True,  # opened in parallel: the other one stands
        )
        found.update(_account_ids_of_cases([c.pk for c in missing]))
    return found


def _account_ids_of_cases(ids: Sequence[int]) -> dict[int, int]:
    """{case id: account id} of the cases of ``ids`` that have an account. On PostgreSQL one query
    with the ids bound as one array on the server (no ``IN`` of thousands of quoted ids)."""
    found: dict[int, int] = {}
    if connection.vendor == "postgresql":
        if ids:
            with bulk_cursor() as cur:
                cur.execute(
                    "SELECT case_id, id FROM ledger_account WHERE case_id = ANY(%b::bigint[])", [list(ids)]
                )
                found.update(cur.fetchall())
        return found
    for i in range(0, len(ids), 2000):
        found.update(Account.objects.filter(case_id__in=ids[i : i + 2000]).values_list("case_id", "pk"))
    return found
