"""What the enforcement pages share: the signed-in actor, the error page, and the parsing of form
fields (text, dates, money, an installment schedule, a row of the case named by its id). A field
that does not parse raises :class:`~lastmile.enforcement.services.InvalidFiling` with the Chinese
message the page shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.core.errors import DomainError, NotFound
from lastmile.core.inputs import int_or_none
from lastmile.core.money import parse_amount
from lastmile.ledger.services import InstallmentDue

from .. import services
from ..models import SettlementInstallment

# One action of the case panel: the case, who acts, when, the posted form; returns the note shown.
Handler = Callable[[Case, User, datetime, QueryDict], str]


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _error_page(request: HttpRequest, exc: DomainError, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


# --- Form parsing ---------------------------------------------------------------------------


def _text(data: QueryDict, name: str, *, required: str = "") -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise services.InvalidFiling(required)
    return value


def _date(data: QueryDict, name: str, *, label: str, required: bool = True) -> date | None:
    value = (data.get(name) or "").strip()
    if not value:
        if required:
            raise services.InvalidFiling(f"请填写{label}。")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise services.InvalidFiling(f"{label}“{value}”不是有效日期（格式：2025-03-01）。") from None


def _datetime(data: QueryDict, name: str, *, label: str) -> datetime:
    value = (data.get(name) or "").strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise services.InvalidFiling(f"请填写有效的{label}。") from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _money(data: QueryDict, name: str, *, default: str | None = None) -> Decimal:
    value = (data.get(name) or "").strip()
    if not value and default is not None:
        value = default
    return parse_amount(value)


def _schedule(data: QueryDict, name: str, *, label: str) -> list[InstallmentDue]:
    """Lines of "2025-04-10 20000" (date, then amount)."""
    rows = []
    for n, line in enumerate((data.get(name) or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace("，", " ").split()
        if len(parts) != 2:
            raise services.InvalidFiling(f"{label}第{n}行应为“日期 金额”，例如“2025-04-10 20000”。")
        try:
            due = date.fromisoformat(parts[0])
        except ValueError:
            raise services.InvalidFiling(f"{label}第{n}行日期“{parts[0]}”无效。") from None
        rows.append(InstallmentDue(due_on=due, amount=parse_amount(parts[1])))
    return rows


def _obj(model: type[Any], case: Case, data: QueryDict, field: str = "id") -> Any:
    """The row of ``model`` the form names by its id, only if it belongs to ``case``."""
    raw = data.get(field, "")
    row = model.objects.filter(pk=int_or_none(raw) or 0).first()
    owner = (
        row.settlement.case_id if isinstance(row, SettlementInstallment) else getattr(row, "case_id", None)
    )
    if row is None or owner != case.pk:
        raise NotFound("记录不存在。")
    return row
