"""The dashboard's measure counts, through the services that write the rows: a 拒执 referral
counts when it is transferred to the police, not when its package is prepared; a 拘传 carried
out and released still counts as taken."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.measures.guardrails import Proposal
from lastmile.measures.models import ReferralStatus
from lastmile.measures.services import (
    measure_approve,
    measure_execute,
    measure_propose,
    refusal_referral_advance,
    refusal_referral_prepare,
    summons_release,
)
from lastmile.statistics.conf import stats_config
from lastmile.statistics.indicators import Filters, indicators_compute
from lastmile.statistics.presenters import figure_rows
from lastmile.statistics.selectors import dashboard_for
from lastmile.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(yuelu, officer, bank, debtor, now):
    return case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, PartyRole.APPLICANT), PartyInRole(debtor, PartyRole.RESPONDENT)],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("50000"),
        officer=officer,
    )


def counts(court, start: date, end: date) -> dict[str, int]:
    filters = Filters(court_ids=(court.pk,), start=start, end=end)
    return indicators_compute(filters=filters, config=stats_config()).measures


def test_a_referral_counts_when_transferred_to_the_police_not_when_prepared(
    yuelu, officer, case, debtor, now
):
    march, april = (date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 4, 1), date(2025, 4, 30))
    ref = refusal_referral_prepare(
        actor=officer, case=case, party=debtor, conduct="转移财产", evidence=["转账记录"], now=now
    )
    # Prepared on 3 March: the package exists, nothing has gone to the police.
    assert counts(yuelu, *march)["refusal_referrals"] == 0
    refusal_referral_advance(
        actor=officer,
        referral_id=ref.pk,
        status=ReferralStatus.SENT_TO_POLICE,
        on=date(2025, 4, 2),
        now=now + timedelta(days=30),
    )
    assert counts(yuelu, *march)["refusal_referrals"] == 0
    assert counts(yuelu, *april)["refusal_referrals"] == 1
    # Its later steps are the same referral: still one.
    refusal_referral_advance(
        actor=officer,
        referral_id=ref.pk,
        status=ReferralStatus.POLICE_FILED,
        on=date(2025, 4, 20),
        now=now + timedelta(days=48),
    )
    assert counts(yuelu, *april)["refusal_referrals"] == 1
    # A second referral, prepared in April and not sent, does not count.
    refusal_referral_prepare(
        actor=officer,
        case=case,
        party=debtor,
        conduct="拒不交付",
        evidence=["询问笔录"],
        now=now + timedelta(days=40),
    )
    assert counts(yuelu, *april)["refusal_referrals"] == 1
    # The dashboard's row says what it counts.
    leader = UserFactory(court=yuelu, role=Role.LEADER)
    dash = dashboard_for(actor=leader, start=april[0], end=april[1], today=date(2025, 5, 1))
    (row,) = [r for r in figure_rows(dash.current, dash.previous) if r.key == "measure:refusal_referrals"]
    assert (row.label, row.current) == ("拒执移送", 1)
    assert "移送公安机关" in row.formula and "不计" in row.formula


def test_a_summons_by_force_carried_out_and_released_still_counts(
    yuelu, officer, president, case, debtor, now
):
    m = measure_propose(
        actor=officer,
        proposal=Proposal(kind="summons_by_force", case=case, subject=debtor, hours=4, summons_count=2),
        reason="被执行人经两次传票传唤，无正当理由拒不到场",
        now=now,
        acknowledge_warnings=True,
    )
    measure_approve(actor=president, measure_id=m.pk, now=now)
    measure_execute(actor=officer, measure_id=m.pk, starts_at=now, now=now, place="本院执行局询问室")
    assert counts(yuelu, date(2025, 3, 1), date(2025, 3, 31))["summons_by_force"] == 1
    later = now + timedelta(hours=3)
    summons_release(
        actor=officer, measure_id=m.pk, released_at=later, questioning_record="询问财产状况", now=later
    )
    assert counts(yuelu, date(2025, 3, 1), date(2025, 3, 31))["summons_by_force"] == 1
