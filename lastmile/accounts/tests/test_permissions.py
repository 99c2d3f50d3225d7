"""Who holds which capability: 扣划/解除 only the enforcement judge; 院长 approval only the 院长 and
a deputy the 院长 designated, for the recorded period."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastmile.accounts.models import PresidentDesignation, Role, User
from lastmile.accounts.permissions import ROLE_CAPABILITIES, actor_can, capabilities_of, require
from lastmile.accounts.services import president_designate, president_designation_revoke
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def staff(court, role, username, **kw):
    # accounts sits below parties, so its tests build users directly rather than via factories
    return User.objects.create(court=court, role=role, username=username, **kw)


@pytest.fixture
def vice(yuelu):
    return staff(yuelu, Role.LEADER, "yl_fuyuanzhang", display_name="冯副院长")


def designate(president, vice, now, **kw):
    return president_designate(
        actor=president,
        deputy=vice,
        valid_from=kw.pop("valid_from", now - timedelta(days=1)),
        valid_until=kw.pop("valid_until", now + timedelta(days=7)),
        legal_basis=kw.pop("legal_basis", "院长书面授权（岳麓法院〔2025〕3号）"),
        reason=kw.pop("reason", "院长外出学习期间"),
        now=now,
        **kw,
    )


def test_only_the_enforcement_judge_role_deducts_and_releases():
    holders = {
        cap: {role for role, caps in ROLE_CAPABILITIES.items() if cap in caps}
        for cap in ("control.deduct", "control.release")
    }
    assert holders == {
        "control.deduct": {Role.ENFORCEMENT_JUDGE},
        "control.release": {Role.ENFORCEMENT_JUDGE},
    }
    # the command center and an 执行员 still order inquiries and freezes
    assert "inquiry.order" in ROLE_CAPABILITIES[Role.COMMAND_CENTER]
    assert "inquiry.order" in ROLE_CAPABILITIES[Role.ENFORCEMENT_OFFICER]


def test_no_role_grants_president_approval():
    assert not [role for role, caps in ROLE_CAPABILITIES.items() if "approve.president" in caps]


def test_vice_president_approves_only_while_designated(president, vice, now):
    assert not actor_can(vice, "approve.president", now=now)
    with pytest.raises(PermissionDenied):
        require(vice, "approve.president", court=vice.court, now=now)
    assert actor_can(president, "approve.president", now=now)

    d = designate(president, vice, now)
    assert (d.designated_by, d.deputy, d.court) == (president, vice, president.court)
    assert d.legal_basis and d.reason and d.created_at == now
    assert actor_can(vice, "approve.president", now=now)
    require(vice, "approve.president", court=vice.court, now=now)
    assert not actor_can(vice, "approve.president", now=d.valid_from - timedelta(seconds=1))
    assert not actor_can(vice, "approve.president", now=d.valid_until)

    president_designation_revoke(actor=president, designation_id=d.pk, now=now + timedelta(hours=1))
    assert actor_can(vice, "approve.president", now=now)  # the record keeps what held before
    assert not actor_can(vice, "approve.president", now=now + timedelta(hours=1))
    with pytest.raises(InvalidTransition):
        president_designation_revoke(actor=president, designation_id=d.pk, now=now + timedelta(hours=2))


def test_a_deputy_who_is_no_longer_a_leader_loses_it(president, vice, now):
    designate(president, vice, now)
    vice.role = Role.FINANCE
    vice.save()
    assert "approve.president" not in capabilities_of(vice, now=now)


def test_only_the_president_designates_a_leader_of_the_same_court(president, vice, officer, wuling, now):
    other_leader = staff(wuling, Role.LEADER, "wl_fuyuanzhang")
    with pytest.raises(PermissionDenied):
        designate(vice, vice, now)
    with pytest.raises(PermissionDenied):
        designate(officer, vice, now)
    with pytest.raises(NotFound):
        designate(president, other_leader, now)
    with pytest.raises(ConditionsNotMet):
        designate(president, officer, now)  # not a 院领导
    with pytest.raises(ConditionsNotMet) as exc:
        designate(president, vice, now, legal_basis=" ", reason="")
    assert exc.value.unmet == ["legal_basis", "reason"]
    with pytest.raises(ConditionsNotMet):
        designate(president, vice, now, valid_from=now, valid_until=now)
    assert PresidentDesignation.objects.count() == 0
    assert not actor_can(vice, "approve.president", now=now)
    # a designation at another court does not reach this court's approvals
    wl_president = staff(wuling, Role.LEADER, "wl_yz", is_president=True)
    designate(wl_president, other_leader, now)
    with pytest.raises(PermissionDenied):
        require(other_leader, "approve.president", court=president.court, now=now)


def test_command_records_and_revokes_a_designation(president, vice, clock, now):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command(
        "president_designate",
        president=president.username,
        deputy=vice.username,
        valid_from=(now - timedelta(hours=1)).isoformat(),
        valid_until=(now + timedelta(days=2)).isoformat(),
        basis="院长书面授权",
        reason="院长外出",
        stdout=out,
    )
    d = PresidentDesignation.objects.get()
    assert actor_can(vice, "approve.president", now=now)
    with pytest.raises(CommandError, match="只有院长"):
        call_command("president_designate", president=vice.username, revoke=d.pk)
    call_command("president_designate", president=president.username, revoke=d.pk, stdout=out)
    assert not actor_can(vice, "approve.president", now=now)
    call_command("president_designate", court=president.court.code, stdout=out)
    assert "已撤销" in out.getvalue()
