"""One pending or active measure of a kind per debtor and case: the early, friendly refusal of a
duplicate (the database constraint ``measure_one_active_per_kind`` holds the rule in a race)."""

from __future__ import annotations

from typing import NoReturn

from .. import rules
from ..error_codes import GuardrailReason
from ..models import PENDING_OR_ACTIVE, REPEATABLE_KINDS, Measure, MeasureKind
from .proposal import Evaluation, Proposal, Reason


def duplicate_of(p: Proposal) -> Measure | None:
    """The pending or active measure of the proposal's kind for its debtor and case, if any.
    This read gives the early, friendly refusal; the database constraint
    ``measure_one_active_per_kind`` is what holds the rule when proposals race."""
    if p.kind not in MeasureKind.values or p.kind in REPEATABLE_KINDS:
        return None
    return (
        Measure.objects.filter(case=p.case, subject=p.subject, kind=p.kind, status__in=PENDING_OR_ACTIVE)
        .order_by("pk")
        .first()
    )


def duplicate_reason(kind: str) -> Reason:
    return Reason(
        GuardrailReason.DUPLICATE,
        "该被执行人在本案已有相同措施正在审批或执行中",
        rules.KINDS[kind].basis,
        "refuse",
    )


def duplicate_refuse(kind: str, **existing: int) -> NoReturn:
    """Refuse a duplicate as :func:`measure_evaluate` does, naming the row already there."""
    Evaluation("refused", (duplicate_reason(kind),)).raise_if_refused(**existing)
    raise AssertionError("a refused evaluation always raises")


def _duplicates(p: Proposal) -> list[Reason]:
    return [duplicate_reason(p.kind)] if duplicate_of(p) is not None else []
