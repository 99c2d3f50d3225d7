"""The triage track's copy on the case (``Case.enforcement_track``, which the statistics read): the
enforcement app writes it wherever it sets or changes ``EnforcementCase.track`` — on receiving an
application (pending), on triage at filing or acceptance, on a change by hand, on 执恢."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Team, TeamKind
from lastmile.cases.models import Case
from lastmile.enforcement.models import Channel, ClosingMethod, EnforcementCase, Track
from lastmile.enforcement.services import (
    case_reassign,
    enforcement_accept,
    enforcement_close,
    enforcement_restore,
)
from lastmile.enforcement.tests.conftest import at
from lastmile.testing.enforcement import zhongben_ready

pytestmark = pytest.mark.django_db


def _both(case: Case) -> tuple[str, str]:
    return Case.objects.get(pk=case.pk).enforcement_track, EnforcementCase.objects.get(pk=case.pk).track


def test_online_application_pending_then_triaged_on_acceptance(file_case, clerk, bank):
    case = file_case(at(2025, 4, 30), actor=None, channel=Channel.ONLINE, submitted_by=bank.name)
    assert _both(case) == (Track.PENDING, Track.PENDING)
    enforcement_accept(case=case, actor=clerk, now=at(2025, 5, 6))
    assert _both(case) == (Track.FAST, Track.FAST)


def test_a_change_by_hand_is_copied(file_case, president, yuelu):
    Team.objects.create(court=yuelu, name="精执团队", kind=TeamKind.COMPLEX)
    case = file_case(at(2025, 3, 3))
    assert _both(case) == (Track.FAST, Track.FAST)
    case_reassign(
        case=case, actor=president, now=at(2025, 3, 4), reason="查明被执行人有多处房产", track="complex"
    )
    assert _both(case) == (Track.COMPLEX, Track.COMPLEX)
    other = file_case(at(2025, 3, 5))
    assert _both(other) == (Track.FAST, Track.FAST)  # one case's copy only


def test_a_restored_case_kept_by_its_officer_has_the_original_track(file_case, officer, president, yuelu):
    Team.objects.create(court=yuelu, name="精执团队", kind=TeamKind.COMPLEX)
    case = file_case(at(2025, 1, 22))
    case_reassign(
        case=case,
        actor=president,
        now=at(2025, 1, 23),
        reason="财产线索多",
        track="complex",
        officer=officer,
    )
    zhongben_ready(case, officer=officer, president=president, now=at(2025, 4, 28))
    enforcement_close(case=case, method=ClosingMethod.NO_PROPERTY, actor=officer, now=at(2025, 4, 28))
    restored = enforcement_restore(
        case=case, actor=officer, now=at(2025, 6, 1), reason="申请执行人提供了新的财产线索"
    )
    assert restored.pk != case.pk
    assert _both(restored) == (Track.COMPLEX, Track.COMPLEX)
