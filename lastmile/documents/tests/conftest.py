"""Fixtures of the documents tests: a registered enforcement case with rare-character names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.documents.services import templates_ensure
from lastmile.parties.models import IdType, PartyKind
from lastmile.parties.services import party_upsert
from lastmile.testing.factories import UserFactory, make_resident_id, make_uscc

RARE_NAME = "王堃喆"
RARE_NAME_2 = "李玥䶮"


@pytest.fixture
def docs_root(tmp_path, settings):
    root = tmp_path / "documents"
    settings.LASTMILE = {
        **settings.LASTMILE,
        "DOCUMENTS": {**settings.LASTMILE.get("DOCUMENTS", {}), "ROOT": str(root)},
    }
    return root


@pytest.fixture
def templates(db, now):
    templates_ensure(now=now)


@pytest.fixture
def judge(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="judge", display_name="郑法")


def make_case(court, officer, now, *, debtor_name=RARE_NAME, seq=1, type_code="执"):
    bank = party_upsert(
        kind=PartyKind.ORGANISATION,
        name="长沙银行股份有限公司岳麓支行",
        id_type=IdType.USCC,
        id_number=make_uscc(900),
        address="长沙市岳麓区麓山南路〇号",
        now=now,
    )
    debtor = party_upsert(
        kind=PartyKind.PERSON,
        name=debtor_name,
        id_type=IdType.RESIDENT_ID,
        id_number=make_resident_id(seq=seq),
        address="长沙市岳麓区桃子湖路12号",
        now=now,
    )
    roles = {
        "执": (PartyRole.APPLICANT, PartyRole.RESPONDENT),
        "民初": (PartyRole.PLAINTIFF, PartyRole.DEFENDANT),
        "民特": (PartyRole.APPLICANT_MEDIATION, PartyRole.RESPONDENT_MEDIATION),
    }[type_code]
    return case_register(
        court=court,
        type_code=type_code,
        parties=[PartyInRole(bank, roles[0]), PartyInRole(debtor, roles[1])],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("91700.50"),
        officer=officer,
    )


@pytest.fixture
def case(yuelu, judge, now, templates):
    return make_case(yuelu, judge, now)
