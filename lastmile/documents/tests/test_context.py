"""What a case gives its documents: the 书记员 on every ruling and judgment, guarantors as jointly
liable guarantors, an organisation's 法定代表人 or (for a branch) 负责人 on its line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lastmile.accounts.models import Role
from lastmile.cases.models import PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.documents.catalog import TEMPLATES, TEMPLATES_BY_CODE
from lastmile.documents.context import case_context
from lastmile.documents.services import document_issue, document_pdf
from lastmile.parties.models import IdType, PartyKind
from lastmile.parties.services import party_upsert
from lastmile.testing.factories import UserFactory, make_resident_id, make_uscc

from .pdfcheck import pdf_text
from .test_rendering import _case_for

RULINGS_AND_JUDGMENTS = [
    t for t in TEMPLATES if t.kind in ("ruling", "judgment") or t.title.endswith(("裁定书", "判决书"))
]


def _flat(document) -> str:
    return "".join(pdf_text(document_pdf(document)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("spec", RULINGS_AND_JUDGMENTS, ids=[t.code for t in RULINGS_AND_JUDGMENTS])
def test_every_ruling_and_judgment_names_its_clerk(spec, yuelu, judge, now, templates, docs_root):
    """The 书记员 who works with the signing judge (``User.clerk``) is printed under the signature
    (court order: 审判员, date, seal, 书记员)."""
    judge.clerk = UserFactory(court=yuelu, role="", username="clerk_lin", display_name="林书文")
    judge.save(update_fields=["clerk"])
    case = _case_for(spec, yuelu, judge, now)
    document = document_issue(case=case, template_code=spec.code, context=spec.sample, actor=judge, now=now)
    assert document.context["clerk"] == "林书文"
    flat = _flat(document)
    assert "书记员林书文" in flat, spec.code
    if "审判员" in flat:
        assert flat.index("审判员") < flat.index("书记员林书文")


def test_the_catalog_has_rulings_and_judgments():
    codes = {t.code for t in RULINGS_AND_JUDGMENTS}
    assert {"ruling_freeze", "judicial_confirmation_ruling", "loan_judgment"} <= codes


@pytest.mark.django_db
def test_a_clerk_of_another_court_or_gone_is_not_named(yuelu, wuling, judge, now, templates):
    from lastmile.accounts.selectors import clerk_of

    assert clerk_of(judge) is None and clerk_of(None) is None
    judge.clerk = UserFactory(court=wuling, username="clerk_wl", display_name="外院书记员")
    assert clerk_of(judge) is None
    judge.clerk = UserFactory(court=yuelu, username="clerk_gone", display_name="离职书记员", is_active=False)
    assert clerk_of(judge) is None


def _org(name, n, now, **people):
    return party_upsert(
        kind=PartyKind.ORGANISATION,
        name=name,
        id_type=IdType.USCC,
        id_number=make_uscc(n),
        address="长沙市岳麓区麓山南路1号",
        now=now,
        **people,
    )


def _person(name, seq, now):
    return party_upsert(
        kind=PartyKind.PERSON,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=make_resident_id(seq=seq),
        address="长沙市岳麓区桃子湖路12号",
        now=now,
    )


@pytest.fixture
def loan_case(yuelu, judge, now, templates):
    """A bank branch against a borrower and two guarantors, registered the way intake registers
    them: all three as 被执行人, the borrower first."""
    head = _person("周行长", 801, now)
    bank = _org("长沙银行股份有限公司岳麓支行", 801, now, principal=head, legal_representative=head)
    borrower = _person("王借款", 802, now)
    guarantor_1 = _person("李保证", 803, now)
    guarantor_2 = _org("湖南示范担保有限公司", 802, now, legal_representative=_person("赵董事", 804, now))
    case = case_register(
        court=yuelu,
        type_code="执",
        parties=[
            PartyInRole(bank, PartyRole.APPLICANT),
            PartyInRole(guarantor_1, PartyRole.RESPONDENT),
            PartyInRole(borrower, PartyRole.RESPONDENT),
            PartyInRole(guarantor_2, PartyRole.RESPONDENT),
        ],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("91700.50"),
        officer=judge,
    )
    return case, borrower, [guarantor_1, guarantor_2]


@pytest.mark.django_db
def test_guarantors_are_printed_as_jointly_liable_guarantors_after_the_debtor(
    loan_case, judge, now, docs_root
):
    case, _borrower, guarantors = loan_case
    ruling = TEMPLATES_BY_CODE["ruling_freeze"]
    context = {**ruling.sample, "guarantor_ids": [g.pk for g in guarantors]}
    document = document_issue(case=case, template_code=ruling.code, context=context, actor=judge, now=now)
    flat = _flat(document)
    assert "被执行人：王借款" in flat
    assert "被执行人（连带责任保证人）：李保证" in flat
    assert "被执行人（连带责任保证人）：湖南示范担保有限公司" in flat
    assert flat.index("被执行人：王借款") < flat.index("李保证")  # the borrower first
    # The bank is a branch: its 负责人, never a 法定代表人; the guarantor company its 法定代表人.
    assert "负责人：周行长" in flat and "法定代表人：周行长" not in flat
    assert "法定代表人：赵董事" in flat
    # The context says so too, for templates of other stages.
    ctx = document.context
    assert [p["name"] for p in ctx["guarantors"]] == ["李保证", "湖南示范担保有限公司"]
    assert ctx["person"]["name"] == "王借款" and not ctx["person"]["guarantor"]


@pytest.mark.django_db
def test_a_party_in_the_guarantor_role_joins_the_debtors(yuelu, judge, now, templates):
    bank = _org("长沙银行股份有限公司", 810, now, legal_representative=_person("钱董事", 811, now))
    borrower = _person("孙借款", 812, now)
    guarantor = _person("吴保证", 813, now)
    case = case_register(
        court=yuelu,
        type_code="民初",
        parties=[
            PartyInRole(bank, PartyRole.PLAINTIFF),
            PartyInRole(borrower, PartyRole.DEFENDANT),
            PartyInRole(guarantor, PartyRole.GUARANTOR),
        ],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("1000.00"),
        officer=judge,
    )
    ctx = case_context(case)
    assert [(p["name"], p["capacity"]) for p in ctx["defendants"]] == [
        ("孙借款", ""),
        ("吴保证", "连带责任保证人"),
    ]
    assert [p["name"] for p in ctx["guarantors"]] == ["吴保证"]
    assert ctx["plaintiffs"][0]["rep"] == "法定代表人：钱董事"  # a head office: its 法定代表人
    assert ctx["clerk"] == ""  # no clerk recorded for the officer: nothing invented


@pytest.mark.django_db
def test_the_officer_clerk_is_in_the_case_context(case, judge, yuelu):
    judge.clerk = UserFactory(court=yuelu, role=Role.FILING_CLERK, username="clerk_x", display_name="陈记")
    judge.save(update_fields=["clerk"])
    assert case_context(case)["clerk"] == "陈记"


@pytest.mark.django_db
def test_an_enforcement_officer_signs_as_executor_with_the_clerk(yuelu, now, templates, docs_root):
    from .conftest import make_case

    officer = UserFactory(court=yuelu, role=Role.ENFORCEMENT_OFFICER, username="zhiyuan", display_name="钱执")
    officer.clerk = UserFactory(court=yuelu, role="", username="clerk_q", display_name="孙记")
    officer.save(update_fields=["clerk"])
    case = make_case(yuelu, officer, now)
    ruling = TEMPLATES_BY_CODE["ruling_deduct"]
    document = document_issue(
        case=case, template_code=ruling.code, context=ruling.sample, actor=None, now=now
    )
    flat = _flat(document)
    assert "执行员钱执" in flat and "审判员" not in flat
    assert flat.index("执行员钱执") < flat.index("书记员孙记")


@pytest.mark.django_db
def test_the_clerk_follows_the_signer_a_trial_judge_issuing_the_judgment(
    yuelu, judge, now, templates, docs_root
):
    """A trial judgment names its judge (``officer`` from the trial stage) and the case may have no
    officer: the 书记员 is the issuing judge's; never the clerk of someone who does not sign."""
    from .conftest import make_case

    trial_judge = UserFactory(court=yuelu, role=Role.JUDGE, username="shenpan", display_name="陈审判")
    trial_judge.clerk = UserFactory(court=yuelu, role="", username="clerk_c", display_name="冯书记")
    trial_judge.save(update_fields=["clerk"])
    judge.clerk = UserFactory(court=yuelu, role="", username="clerk_j", display_name="别人的书记")
    judge.save(update_fields=["clerk"])
    case = make_case(yuelu, judge, now, type_code="民初")
    spec = TEMPLATES_BY_CODE["loan_judgment"]
    context = {**spec.sample, "officer": {"name": trial_judge.name}}
    document = document_issue(case=case, template_code=spec.code, context=context, actor=trial_judge, now=now)
    assert "审判员陈审判" in _flat(document) and "书记员冯书记" in _flat(document)
    # Issued by someone else in the judge's name: no clerk is guessed.
    other = document_issue(case=case, template_code=spec.code, context=context, actor=judge, now=now)
    assert other.context["clerk"] == ""
    # A case without an officer: the issuing judge signs, with the judge's clerk.
    ruling = TEMPLATES_BY_CODE["judicial_confirmation_ruling"]
    orphan = make_case(yuelu, None, now, type_code="民特", seq=3)
    assert orphan.officer is None
    doc = document_issue(
        case=orphan, template_code=ruling.code, context=ruling.sample, actor=trial_judge, now=now
    )
    assert doc.context["clerk"] == "冯书记"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "type_code", "roles", "labels"),
    [
        ("mediation_statement", "民初", (PartyRole.PLAINTIFF, PartyRole.DEFENDANT), ("原告", "被告")),
        (
            "judicial_confirmation_ruling",
            "民特",
            (PartyRole.APPLICANT_MEDIATION, PartyRole.RESPONDENT_MEDIATION),
            ("申请人", "申请人"),
        ),
        ("loan_judgment", "民初", (PartyRole.PLAINTIFF, PartyRole.DEFENDANT), ("原告", "被告")),
    ],
)
def test_rulings_and_judgments_of_mediation_and_trial_print_guarantors_and_the_banks_head(
    code, type_code, roles, labels, yuelu, judge, now, templates, docs_root
):
    """The 调解书, the 司法确认裁定书 and the loan judgment print a guarantor as 连带责任保证人 (民法典
    arts. 688, 700) and a bank branch's 负责人 on its line (民诉解释 2022 arts. 50, 52)."""
    head = _person("周行长", 821, now)
    bank = _org("长沙银行股份有限公司岳麓支行", 821, now, principal=head, legal_representative=head)
    borrower = _person("王借款", 822, now)
    guarantor = _person("李保证", 823, now)
    case = case_register(
        court=yuelu,
        type_code=type_code,
        parties=[
            PartyInRole(bank, roles[0]),
            PartyInRole(guarantor, roles[1]),
            PartyInRole(borrower, roles[1]),
        ],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("91700.50"),
        officer=judge,
    )
    spec = TEMPLATES_BY_CODE[code]
    context = {**spec.sample, "guarantor_ids": [guarantor.pk]}
    flat = _flat(document_issue(case=case, template_code=code, context=context, actor=judge, now=now))
    assert f"{labels[0]}：长沙银行股份有限公司岳麓支行" in flat
    assert "负责人：周行长" in flat and "法定代表人：周行长" not in flat
    assert f"{labels[1]}：王借款" in flat
    assert f"{labels[1]}（连带责任保证人）：李保证" in flat
    assert flat.index("王借款") < flat.index("李保证")  # the borrower first
    if code == "loan_judgment":
        # the borrower pays; the guarantor answers jointly for it, with recourse against the borrower
        assert "一、被告王借款于本判决生效之日起十日内" in flat
        assert "三、被告李保证对上述第一、二项债务承担连带清偿责任" in flat and "第七百条" in flat
