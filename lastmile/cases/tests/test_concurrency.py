"""Concurrent filing on a real PostgreSQL: numbers stay unique and gapless."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from lastmile.cases.models import Case
from lastmile.cases.selectors import audit_verify
from lastmile.cases.services import PartyInRole, case_register

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PER_THREAD = 15


def test_parallel_filings_get_unique_gapless_numbers(yuelu, clerk, bank, debtor, now):
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                case_register(
                    court=yuelu,
                    type_code="执",
                    parties=[PartyInRole(bank, "applicant"), PartyInRole(debtor, "respondent")],
                    actor=clerk,
                    now=now,
                    amount_claimed=Decimal("1000"),
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(Case.objects.filter(court=yuelu, type_code="执").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    assert len(set(Case.objects.values_list("number", flat=True))) == THREADS * PER_THREAD
    assert audit_verify() == []
