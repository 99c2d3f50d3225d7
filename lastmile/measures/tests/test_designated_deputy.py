"""院长 approval of a measure (民事诉讼法 2023 art. 119) goes to the 院长 and to a deputy the 院长
designated for the period, never to every 院领导."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.accounts.services import president_designate
from lastmile.core.errors import PermissionDenied
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import MeasureKind, MeasureStatus
from lastmile.measures.services import measure_approve, measure_propose, measure_reject
from lastmile.testing.factories import UserFactory

from .helpers import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def vice(yuelu):
    return UserFactory(court=yuelu, role=Role.LEADER, username="yl_fuyuanzhang")


def fine(officer, case, debtor, now):
    return measure_propose(
        actor=officer,
        proposal=Proposal(case=case, subject=debtor, kind=MeasureKind.FINE, amount=Decimal("5000")),
        reason="拒不报告财产",
        now=now,
    )


def test_leader_without_designation_is_refused_and_nothing_changes(officer, vice, case, debtor_person, now):
    m = fine(officer, case, debtor_person, now)
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        measure_approve(actor=vice, measure_id=m.pk, now=now, document_number="（2025）湘0104执1号")
    with pytest.raises(PermissionDenied):
        measure_reject(actor=vice, measure_id=m.pk, note="不同意", now=now)
    assert snapshot(case) == before


def test_designated_deputy_approves_within_the_period(officer, president, vice, case, debtor_person, now):
    president_designate(
        actor=president,
        deputy=vice,
        valid_from=now - timedelta(hours=1),
        valid_until=now + timedelta(days=3),
        legal_basis="院长书面授权",
        reason="院长出差",
        now=now - timedelta(hours=1),
    )
    late = fine(officer, case, debtor_person, now)
    # after the period the deputy is refused again
    with pytest.raises(PermissionDenied):
        measure_approve(actor=vice, measure_id=late.pk, now=now + timedelta(days=3))
    approved = measure_approve(actor=vice, measure_id=late.pk, now=now, document_number="（2025）湘0104执1号")
    assert approved.status == MeasureStatus.IN_FORCE and approved.decided_by == vice


def test_president_approves(officer, president, case, debtor_person, now):
    m = fine(officer, case, debtor_person, now)
    approved = measure_approve(
        actor=president, measure_id=m.pk, now=now, document_number="（2025）湘0104执2号"
    )
    assert approved.status == MeasureStatus.IN_FORCE and approved.decided_by == president
