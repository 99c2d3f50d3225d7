"""Enforcement test kit: an execution basis, a filed 执 case and times in Beijing. Shared by the
enforcement app's tests and the cross-app journeys in ``tests/flows``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
from lastmile.ledger.services import CostItem

BJ = timezone.get_fixed_timezone(480)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=BJ)


def basis(principal: str = "100000", **kw: Any) -> ExecutionBasisIn:
    values: dict[str, Any] = {
        "kind": "judgment",
        "issuer": "长沙市岳麓区人民法院",
        "number": "（2025）湘0104民初1234号",
        "effective_on": date(2025, 1, 10),
        "performance_deadline": date(2025, 1, 20),
        "principal": Decimal(principal),
        "costs": [CostItem(kind="acceptance_fee", label="案件受理费", amount=Decimal("2300"))],
    }
    values.update(kw)
    return ExecutionBasisIn(**values)


@pytest.fixture
def file_case(yuelu, clerk, officer, bank, debtor):
    """Files a 执 case at 岳麓 (bank against debtor) at the given time; keywords override."""

    def _file(now: datetime, **kw: Any):
        params: dict[str, Any] = {
            "court": yuelu,
            "basis": basis(),
            "applicants": [bank],
            "respondents": [debtor],
            "actor": clerk,
            "now": now,
            "cause": "金融借款合同纠纷",
        }
        params.update(kw)
        return enforcement_file(**params)

    return _file
