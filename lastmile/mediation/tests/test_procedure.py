"""Mediation as the law orders it in time and by the parties' own acts (issue L):

- minutes and an agreement never precede the meeting (人民调解法 2010 arts. 27–28);
- the agreement takes effect when every party has signed it (人民调解法 2010 art. 29);
- the joint application for judicial confirmation is checked against its 30 days when it is
  made, never at the ruling (CPL 2023 art. 205), and the ruling names both applicants and sets
  the terms out as a court does (numbered terms, the schedule as a table, amounts to the fen);
- mediation during a suit ends in a 民事调解书 of the same case or returns it to trial
  (CPL 2023 arts. 100, 102).

Each refusal names its basis and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lastmile.cases.models import Case, CaseEvent, CaseStatus, PartyRole
from lastmile.cases.services import PartyInRole, case_register
from lastmile.core.errors import ConditionsNotMet, InvalidTransition, NotFound
from lastmile.documents.models import Document
from lastmile.documents.services import document_pdf
from lastmile.documents.tests.pdfcheck import pdf_text
from lastmile.mediation import services
from lastmile.mediation.models import (
    Agreement,
    Mediation,
    MediationSession,
    MediationStage,
    MediationStatus,
    PartyAct,
)
from lastmile.mediation.selectors import in_suit_mediation_pending
from lastmile.parties.models import ElectronicAddress
from lastmile.service.adapters import SimulatedServiceAdapter

BJ = timezone.get_fixed_timezone(480)
FOUR = [Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.67"), Decimal("12345.66")]


def at(m: int, d: int, hour: int = 10) -> datetime:
    return datetime(2025, m, d, hour, 0, tzinfo=BJ)


def _snapshot() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Mediation.objects.count(),
        MediationSession.objects.filter(held_at__isnull=False).count(),
        Agreement.objects.count(),
        Agreement.objects.filter(confirmation_applied_on__isnull=False).count(),
        PartyAct.objects.count(),
        Document.objects.count(),
    )


def _agree(m: Mediation, actor, now: datetime, amounts=FOUR) -> Agreement:  # type: ignore[no-untyped-def]
    return services.mediation_agreement_record(
        mediation=m,
        terms=["申请人同意免除被申请人全部罚息；"],
        installments=[services.InstallmentIn(date(2025, 4 + n, 15), a) for n, a in enumerate(amounts)],
        actor=actor,
        now=now,
    )


@pytest.mark.django_db
def test_minutes_and_agreement_never_precede_the_meeting(cc_file_rows, cc_mediator, clerk, now):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    session = services.mediation_session_schedule(
        mediation=m, scheduled_at=at(3, 5, 14), actor=cc_mediator, now=now
    )
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="第二十七条"):
        services.mediation_session_record(
            session=session, record="双方同意分期。", actor=cc_mediator, now=at(3, 5, 9)
        )
    with pytest.raises(ConditionsNotMet, match="调解协议不能早于调解"):
        _agree(m, cc_mediator, at(3, 5, 9))
    assert _snapshot() == before
    session.refresh_from_db()
    assert session.held_at is None and session.record == ""
    # once the meeting has begun, both are taken
    services.mediation_session_record(
        session=session, record="双方同意分期。", actor=cc_mediator, now=at(3, 5, 15)
    )
    assert _agree(m, cc_mediator, at(3, 5, 15)).total == sum(FOUR)


@pytest.mark.django_db
def test_agreement_takes_effect_when_every_party_has_signed(cc_file_rows, cc_mediator, clerk, now):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    bank, borrower = services.mediation_parties(m)
    agreement = _agree(m, cc_mediator, now)
    assert agreement.effective_on is None
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="请先确认参加调解"):
        services.mediation_agreement_sign(mediation=m, party=borrower, typed_name=borrower.name, now=at(3, 4))
    assert _snapshot() == before
    services.mediation_party_join(mediation=m, party=borrower, now=at(3, 4))
    with pytest.raises(ConditionsNotMet, match="签名须与"):
        services.mediation_agreement_sign(mediation=m, party=borrower, typed_name="张三", now=at(3, 4, 11))
    services.mediation_agreement_sign(mediation=m, party=borrower, typed_name=borrower.name, now=at(3, 4, 11))
    agreement.refresh_from_db()
    assert agreement.effective_on is None  # the bank has not signed
    act = PartyAct.objects.get(mediation=m, party=borrower, kind="signed")
    assert (act.method, act.at, act.recorded_by) == ("online", at(3, 4, 11), None)
    before = _snapshot()
    with pytest.raises(InvalidTransition, match="已签署调解协议"):
        services.mediation_agreement_sign(
            mediation=m, party=borrower, typed_name=borrower.name, now=at(3, 4, 12)
        )
    assert _snapshot() == before
    services.mediation_agreement_sign_on_site(mediation=m, parties=[bank], actor=cc_mediator, now=at(3, 6))
    agreement.refresh_from_db()
    assert agreement.effective_on == date(2025, 3, 6)
    assert CaseEvent.objects.filter(case=case, kind="mediation.agreement_effective").count() == 1


@pytest.mark.django_db
def test_joint_application_is_checked_within_thirty_days_when_made_not_at_the_ruling(
    cc_file_rows, cc_mediator, cc_judge, clerk, now
):
    a, b = cc_file_rows([3, 6])
    m_a, m_b = services.mediation_assign(cases=[a, b], mediator=cc_mediator, actor=clerk, now=now)
    for m in (m_a, m_b):
        _agree(m, cc_mediator, now)
        services.mediation_agreement_sign_on_site(
            mediation=m, parties=services.mediation_parties(m), actor=cc_mediator, now=now
        )
    # effective 2025-03-03: the last day is 2025-04-02
    assert services.confirmation_apply_last_day(Agreement.objects.get(mediation=m_a)) == date(2025, 4, 2)
    # no ruling without the application
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="尚未共同申请司法确认"):
        services.mediation_conclude(mediation=m_a, kind="confirmation", actor=cc_judge, now=at(3, 10))
    assert _snapshot() == before
    # an application on day 31 is refused, naming art. 205, and records nothing
    bank, borrower = services.mediation_parties(m_b)
    with pytest.raises(ConditionsNotMet, match="第二百零五条"):
        services.mediation_confirmation_apply(mediation=m_b, party=borrower, now=at(4, 3))
    assert _snapshot() == before
    # a's parties apply in time: one online, the other at the counter; complete with the last
    bank, borrower = services.mediation_parties(m_a)
    services.mediation_confirmation_apply(mediation=m_a, party=borrower, now=at(3, 20))
    assert Agreement.objects.get(mediation=m_a).confirmation_applied_on is None
    services.mediation_confirmation_apply_at_counter(mediation=m_a, parties=[bank], actor=clerk, now=at(4, 2))
    assert Agreement.objects.get(mediation=m_a).confirmation_applied_on == date(2025, 4, 2)
    event = CaseEvent.objects.filter(case=a, kind="mediation.confirmation_applied").latest("pk")
    assert bank.name in event.summary and borrower.name in event.summary
    # the ruling comes later than 30 days from the agreement: the application was in time
    m_a = services.mediation_conclude(mediation=m_a, kind="confirmation", actor=cc_judge, now=at(4, 20))
    assert m_a.status == MediationStatus.CONCLUDED
    assert m_a.result_document.context["applied_on"] == "2025-04-02"


@pytest.mark.django_db
def test_the_ruling_names_both_applicants_and_sets_out_each_term_and_the_schedule(
    cc_file_rows, cc_mediator, cc_judge, clerk, now
):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    bank, borrower = services.mediation_parties(m)
    _agree(m, cc_mediator, now)
    services.mediation_agreement_sign_on_site(
        mediation=m, parties=[bank, borrower], actor=cc_mediator, now=now
    )
    services.mediation_confirmation_apply_at_counter(
        mediation=m, parties=[bank, borrower], actor=cc_mediator, now=at(3, 4)
    )
    m = services.mediation_conclude(mediation=m, kind="confirmation", actor=cc_judge, now=at(3, 5))
    text = "".join(pdf_text(document_pdf(m.result_document)).split())
    # each term its own numbered paragraph, never glued to the next
    assert "一、申请人同意免除被申请人全部罚息；" in text
    assert "罚息；" + borrower.name + "分四期" not in text
    assert f"二、{borrower.name}分四期向{bank.name}给付人民币49,382.67元" in text
    # the schedule: every installment with its date and its amount to the fen
    for n, day in zip("一二三四", ("四月十五日", "五月十五日", "六月十五日", "七月十五日"), strict=True):
        assert f"第{n}期" in text and day in text
    assert text.count("12,345.67") == 3 and "12,345.66" in text
    assert f"三、{borrower.name}任何一期未按期足额给付的" in text
    # the application names both applicants
    assert f"申请人{bank.name}、{borrower.name}共同向本院申请司法确认" in text


def _lawsuit(yuelu, bank, debtor, clerk, now) -> Case:  # type: ignore[no-untyped-def]
    for n, party in enumerate((bank, debtor)):  # both agreed to electronic service
        ElectronicAddress.objects.create(
            party=party,
            channel="platform",
            address=f"party-{n}@court-platform",
            consent_kind="express",
            consented_at=now,
            confirmed=True,
        )
    return case_register(
        court=yuelu,
        type_code="民初",
        parties=[PartyInRole(bank, PartyRole.PLAINTIFF), PartyInRole(debtor, PartyRole.DEFENDANT)],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
        amount_claimed=Decimal("49382.67"),
    )


@pytest.mark.django_db
def test_in_suit_mediation_ends_in_a_statement_of_the_same_case(
    cc_env, yuelu, bank, debtor, cc_mediator, cc_judge, clerk, now
):
    suit = _lawsuit(yuelu, bank, debtor, clerk, now)
    before = _snapshot()
    with pytest.raises(Exception, match="调解员"):  # a judge opens it for a mediator, not for a clerk
        services.mediation_in_suit_open(
            case=suit, mediator=clerk, procedure="simplified", actor=cc_judge, now=now
        )
    assert _snapshot() == before
    m = services.mediation_in_suit_open(
        case=suit, mediator=cc_mediator, procedure="simplified", actor=cc_judge, now=now
    )
    assert (m.stage, m.accepted_on, m.period_ends_on) == (
        MediationStage.IN_SUIT,
        date(2025, 3, 3),
        date(2025, 3, 10),
    )
    _agree(m, cc_mediator, now)
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="第一百条"):
        services.mediation_conclude(mediation=m, kind="confirmation", actor=cc_judge, now=at(3, 4))
    with pytest.raises(ConditionsNotMet, match="不适用司法确认"):
        services.mediation_confirmation_apply(mediation=m, party=debtor, now=at(3, 4))
    assert _snapshot() == before
    cases_before = Case.objects.count()
    m = services.mediation_conclude(mediation=m, kind="statement", actor=cc_judge, now=at(3, 4))
    assert Case.objects.count() == cases_before  # no new case number
    assert m.result_case == suit and m.result_document.case == suit
    assert m.result_document.template.code == "mediation_statement"
    suit.refresh_from_db()
    assert suit.status != CaseStatus.CLOSED  # not before every party has signed for it
    assert in_suit_mediation_pending(suit)
    services.mediation_result_serve(mediation=m, actor=cc_judge, now=at(3, 5), port=SimulatedServiceAdapter())
    m.refresh_from_db()
    suit.refresh_from_db()
    assert m.effective_on == date(2025, 3, 5)  # both parties signed for it that day
    assert suit.status == CaseStatus.CLOSED and suit.closing_method == "调解"
    assert not in_suit_mediation_pending(suit)


@pytest.mark.django_db
def test_in_suit_mediation_that_fails_returns_the_case_to_trial(
    cc_env, yuelu, bank, debtor, cc_mediator, cc_judge, clerk, now
):
    suit = _lawsuit(yuelu, bank, debtor, clerk, now)
    m = services.mediation_in_suit_open(
        case=suit, mediator=cc_mediator, procedure="ordinary", actor=cc_judge, now=now
    )
    assert m.period_ends_on == date(2025, 3, 18)
    before = _snapshot()
    with pytest.raises(ConditionsNotMet, match="已在诉中调解"):
        services.mediation_in_suit_open(
            case=suit, mediator=cc_mediator, procedure="ordinary", actor=cc_judge, now=now
        )
    assert _snapshot() == before
    services.mediation_fail(mediation=m, reason="被告不同意分期方案", actor=cc_mediator, now=at(3, 6))
    suit.refresh_from_db()
    assert suit.status in (CaseStatus.FILED, CaseStatus.IN_PROGRESS)  # back in trial, not closed
    assert CaseEvent.objects.filter(case=suit, kind="mediation.returned_to_trial").exists()


@pytest.mark.django_db
def test_a_party_acts_only_in_its_own_mediation(cc_file_rows, cc_mediator, clerk, now):
    a, b = cc_file_rows([3, 6])
    m_a, m_b = services.mediation_assign(cases=[a, b], mediator=cc_mediator, actor=clerk, now=now)
    _bank, borrower_b = services.mediation_parties(m_b)
    before = _snapshot()
    with pytest.raises(NotFound):
        services.mediation_party_join(mediation=m_a, party=borrower_b, now=now)
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_party_going_back_on_the_statement_before_service_returns_the_suit_to_trial(
    cc_env, yuelu, bank, debtor, cc_mediator, cc_judge, clerk, now
):
    suit = _lawsuit(yuelu, bank, debtor, clerk, now)
    m = services.mediation_in_suit_open(
        case=suit, mediator=cc_mediator, procedure="simplified", actor=cc_judge, now=now
    )
    _agree(m, cc_mediator, now)
    m = services.mediation_conclude(mediation=m, kind="statement", actor=cc_judge, now=at(3, 4))
    m = services.mediation_statement_repudiate(
        mediation=m, reason="被告拒绝签收调解书", actor=cc_judge, now=at(3, 5)
    )
    suit.refresh_from_db()
    assert m.status == MediationStatus.FAILED and m.effective_on is None
    assert suit.status != CaseStatus.CLOSED and not in_suit_mediation_pending(suit)
    event = CaseEvent.objects.filter(case=suit, kind="mediation.returned_to_trial").get()
    assert event.legal_basis["article"] == "102"
    # nothing is left to go back on
    before = _snapshot()
    with pytest.raises(InvalidTransition, match="第一百零二条"):
        services.mediation_statement_repudiate(mediation=m, reason="再次", actor=cc_judge, now=at(3, 6))
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_period_sweep_leaves_an_agreement_reached_in_time(cc_file_rows, cc_mediator, clerk, now):
    (case,) = cc_file_rows([3])
    (m,) = services.mediation_assign(cases=[case], mediator=cc_mediator, actor=clerk, now=now)
    _agree(m, cc_mediator, now)
    # the mediation period ended 2025-04-02; the parties may still sign and apply within 30 days
    assert services.mediation_period_sweep(now=at(4, 10)) == 0
    m.refresh_from_db()
    assert m.status == MediationStatus.AGREED
