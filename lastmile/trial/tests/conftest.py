from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from lastmile.mediation import services as mediation

BJ = timezone.get_fixed_timezone(480)


def at(m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, m, d, hour, minute, tzinfo=BJ)


@pytest.fixture
def failed_lawsuits(cc_file_rows, cc_mediator, clerk, now):
    """File rows as 民诉前调, fail their mediation and file them as 民初; returns the lawsuits."""
    from lastmile.trial.services import lawsuits_file_from_mediation

    def _make(indexes, **kw):
        cases = cc_file_rows(indexes, **kw)
        ms = mediation.mediation_assign(cases=cases, mediator=cc_mediator, actor=clerk, now=now)
        for m in ms:
            mediation.mediation_fail(mediation=m, reason="被申请人未到场", actor=cc_mediator, now=at(3, 4))
        return lawsuits_file_from_mediation(mediations=ms, actor=clerk, now=at(3, 5))

    return _make
