"""The demo loaders run on the demo data and a second run changes nothing."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import Case, CaseEvent
from lastmile.filing.demo import demo_seed_filing
from lastmile.mediation.demo import demo_seed_mediation
from lastmile.mediation.models import Mediation
from lastmile.testing.factories import UserFactory
from lastmile.trial.demo import demo_seed_trial
from lastmile.trial.models import Judgment, Lawsuit


@pytest.mark.django_db
def test_demo_loaders_are_idempotent(cc_env, yuelu, clock, now):
    for username, role in (
        ("yl_lian", Role.FILING_CLERK),
        ("yl_tiao", Role.MEDIATOR),
        ("yl_shen", Role.JUDGE),
    ):
        UserFactory(username=username, role=role, court=yuelu)
    demo_seed_filing(now=now)
    first = demo_seed_mediation(now=now)
    assert first.created, first.lines
    assert demo_seed_trial(now=now).created
    counts = (Case.objects.count(), CaseEvent.objects.count(), Lawsuit.objects.count())
    assert Judgment.objects.count() == 2 and Mediation.objects.filter(result_case__isnull=False).count() == 1
    assert not demo_seed_mediation(now=now).created
    assert not demo_seed_trial(now=now).created
    after = (Case.objects.count(), CaseEvent.objects.count(), Lawsuit.objects.count())
    assert after == counts
