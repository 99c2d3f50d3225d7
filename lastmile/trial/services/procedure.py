"""Changes of procedure during the first instance, each before judgment and with its document.

- The parties' agreement to the small-claims procedure for a claim above 50 % and up to 2× the
  province's prior-year average wage (CPL 2023 art. 165 ¶2): recorded, the case moves from the
  simplified to the small-claims procedure (halved fee either way, 诉讼费用交纳办法 2006 art. 16).
- A case art. 166 excludes from small claims (人身关系/财产确权, 涉外, 评估鉴定, 下落不明, 反诉,
  other) continues under the other rules of the simplified procedure, or is converted to ordinary
  procedure (art. 169); a simplified case unfit for it is converted to ordinary procedure by a
  ruling (art. 170). A party whose whereabouts are unknown needs public notice, which simplified
  procedure does not use (民诉解释 2022 art. 140): ordinary procedure.
- Conversion happens "在审理过程中" (arts. 169–170), before the time limit ends (民诉解释 2022
  art. 258): never after judgment. The time limit still runs from filing (art. 258).
- The fee: halved only in simplified procedure and small claims (诉讼费用交纳办法 2006 art. 16);
  converted to ordinary, the plaintiff pays the difference within 7 days of the notice (民诉解释
  2022 art. 199), recorded on the lawsuit as ``fee_difference`` with its notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.services import case_event_record, deadline_cancel
from lastmile.core.clock import court_date as _today
from lastmile.core.errors import ConditionsNotMet, InvalidTransition
from lastmile.core.legal import LegalBasis, cpl
from lastmile.core.money import to_money
from lastmile.documents.models import Document
from lastmile.documents.services import document_issue
from lastmile.ledger.fees import acceptance_fee
from lastmile.service.services import service_dispatch
from lastmile.trial.kinds import TrialDeadline, TrialEvent

from ..models import Judgment, Lawsuit, Procedure, SmallClaimsExclusion
from ..wages import small_claims_limit
from .common import _parties
from .filing import time_limit_open

SPC_CPL = "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"
BASIS_AGREED_SMALL_CLAIMS = cpl(165)
BASIS_EXCLUDED = cpl(166)
BASIS_SMALL_CLAIMS_CONVERSION = cpl(169)
BASIS_SIMPLIFIED_CONVERSION = cpl(170)
BASIS_CONVERSION_BEFORE_LIMIT = LegalBasis(SPC_CPL, "2022", "258")
BASIS_FEE_SUPPLEMENT = LegalBasis(SPC_CPL, "2022", "199")
BASIS_NO_PUBLIC_NOTICE = LegalBasis(SPC_CPL, "2022", "140")

_CPL_TEXT = "《中华人民共和国民事诉讼法》"
_SPC_TEXT = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》"


def _locked(lawsuit: Lawsuit) -> Lawsuit:
    return (
        Lawsuit.objects.select_for_update(of=("self",))
        .select_related("case", "court", "case__court")
        .get(pk=lawsuit.pk)
    )


def _before_judgment(lawsuit: Lawsuit, what: str) -> None:
    if Judgment.objects.filter(lawsuit=lawsuit).exists():
        raise InvalidTransition(
            f"本案已作出判决，不能{what}：程序转换只能在审理过程中、判决作出前进行"
            f"（{BASIS_SIMPLIFIED_CONVERSION}、{BASIS_SMALL_CLAIMS_CONVERSION}；{BASIS_CONVERSION_BEFORE_LIMIT}）。",
            details={
                "basis": [BASIS_SIMPLIFIED_CONVERSION.as_dict(), BASIS_CONVERSION_BEFORE_LIMIT.as_dict()]
            },
        )


def _serve(document: Document, actor: User, now: datetime) -> None:
    service_dispatch(document=document, actor=actor, now=now)


@transaction.atomic
def lawsuit_small_claims_agree(*, lawsuit: Lawsuit, actor: User, now: datetime, note: str = "") -> Lawsuit:
    """Record the parties' agreement to the small-claims procedure (CPL 2023 art. 165 ¶2): allowed
    for a simplified case, before judgment and before any hearing was held, whose amount is above
    the 50 % limit and at most 2× the prior-year average wage, with no art. 166 exclusion."""
    require(actor, "trial.work", court=lawsuit.court)
    locked = _locked(lawsuit)
    _before_judgment(locked, "约定适用小额诉讼的程序")
    if locked.procedure != Procedure.SIMPLIFIED:
        raise InvalidTransition(
            f"本案适用{Procedure(locked.procedure).label}，不能约定适用小额诉讼的程序（{BASIS_AGREED_SMALL_CLAIMS}）。"
        )
    if locked.exclusions:
        raise ConditionsNotMet(
            f"本案属于不适用小额诉讼的程序的案件（{BASIS_EXCLUDED}）。", unmet=list(locked.exclusions)
        )
    if locked.hearings.filter(held_at__isnull=False).exists():
        raise InvalidTransition("本案已开庭审理，不能再约定适用小额诉讼的程序。")
    limits = small_claims_limit(court_code=locked.court.code, on=_today(locked.filed_at))
    if to_money(locked.claimed) > limits.agreed_limit:
        raise ConditionsNotMet(
            f"标的额{locked.claimed}元超过上年度就业人员年平均工资的二倍（{limits.agreed_limit}元），"
            f"当事人不能约定适用小额诉讼的程序（{BASIS_AGREED_SMALL_CLAIMS}第二款）。",
            unmet=["agreed_limit"],
        )
    locked.procedure = Procedure.SMALL_CLAIMS
    locked.small_claims_agreed_at = now
    locked.save(update_fields=["procedure", "small_claims_agreed_at"])
    _time_limit_reset(locked, now=now)
    case_event_record(
        case=locked.case,
        kind=TrialEvent.SMALL_CLAIMS_AGREED,
        summary="当事人双方约定适用小额诉讼的程序" + (f"：{note.strip()}" if note.strip() else ""),
        actor=actor,
        now=now,
        data={"agreed_limit": limits.agreed_limit, "wage_year": limits.wage_year},
        legal_basis=BASIS_AGREED_SMALL_CLAIMS,
    )
    return locked


@transaction.atomic
def lawsuit_procedure_convert(
    *,
    lawsuit: Lawsuit,
    to: str,
    reason: str,
    actor: User,
    now: datetime,
    exclusions: Sequence[str] = (),
) -> Lawsuit:
    """Move a lawsuit to a later procedure during the trial, never after judgment: small claims →
    simplified (the other rules of simplified procedure, CPL 2023 art. 169, with a notice) or →
    ordinary; simplified → ordinary (art. 170, by a ruling). Moving to ordinary charges the
    plaintiff the rest of the acceptance fee (诉讼费用交纳办法 2006 arts. 13, 16; 民诉解释 2022
    art. 199) with a notice. ``exclusions`` are the art. 166 grounds, recorded on the lawsuit; a
    party whose whereabouts are unknown forces ordinary procedure (民诉解释 2022 art. 140).
    Each document is served on the parties. Refusals change nothing."""
    require(actor, "trial.work", court=lawsuit.court)
    bad = [e for e in exclusions if e not in SmallClaimsExclusion.values]
    if bad or to not in (Procedure.SIMPLIFIED, Procedure.ORDINARY):
        raise ConditionsNotMet("转换的程序或不适用小额诉讼的情形不正确。", unmet=["to", *bad])
    reason = reason.strip() or "；".join(str(SmallClaimsExclusion(e).label) for e in exclusions)
    if not reason:
        raise ConditionsNotMet("请写明转换程序的理由。", unmet=["reason"])
    locked = _locked(lawsuit)
    _before_judgment(locked, "转换审理程序")
    previous = Procedure(locked.procedure)
    if SmallClaimsExclusion.WHEREABOUTS_UNKNOWN in exclusions and to != Procedure.ORDINARY:
        raise ConditionsNotMet(
            f"一方当事人下落不明需公告送达，简易程序不适用公告送达，应当转为普通程序（{BASIS_NO_PUBLIC_NOTICE}）。",
            unmet=["to"],
        )
    if previous == Procedure.ORDINARY or (previous == Procedure.SIMPLIFIED and to == Procedure.SIMPLIFIED):
        raise InvalidTransition(
            f"本案已适用{previous.label}，不能转为{Procedure(to).label}（已按普通程序审理的案件不得改用简易程序）。"
        )
    locked.procedure = to
    locked.converted_at = now
    locked.exclusions = sorted(set(locked.exclusions) | set(exclusions))
    fields = ["procedure", "converted_at", "exclusions"]
    full = acceptance_fee(locked.claimed)
    difference = to_money(0)
    if to == Procedure.ORDINARY and locked.fee_halved:
        difference = to_money(full - locked.fee)
        locked.fee_difference = difference
        locked.fee = full
        locked.fee_halved = False
        fields += ["fee_difference", "fee", "fee_halved"]
    locked.save(update_fields=fields)
    _time_limit_reset(locked, now=now)
    if to == Procedure.ORDINARY:
        basis = (
            BASIS_SMALL_CLAIMS_CONVERSION
            if previous == Procedure.SMALL_CLAIMS
            else BASIS_SIMPLIFIED_CONVERSION
        )
        basis_text = f"{_CPL_TEXT}第{'一百六十九' if previous == Procedure.SMALL_CLAIMS else '一百七十'}条"
        if SmallClaimsExclusion.WHEREABOUTS_UNKNOWN in exclusions:
            basis_text += f"和{_SPC_TEXT}第一百四十条"
        document = document_issue(
            case=locked.case,
            template_code="procedure_conversion_ruling",
            context={"from_label": previous.label, "reason": reason, "basis_text": basis_text},
            actor=actor,
            now=now,
        )
    else:
        basis = BASIS_SMALL_CLAIMS_CONVERSION
        document = document_issue(
            case=locked.case,
            template_code="procedure_change_notice",
            context={"reason": reason},
            actor=actor,
            now=now,
        )
    _serve(document, actor, now)
    case_event_record(
        case=locked.case,
        kind=TrialEvent.PROCEDURE_CONVERTED,
        summary=f"{reason}，由{previous.label}转为{Procedure(to).label}（{document.title}{document.number}）",
        actor=actor,
        now=now,
        data={"from": previous, "to": to, "document": document.pk, "exclusions": list(exclusions)},
        legal_basis=basis,
    )
    if difference > 0:
        creditors, _debtors = _parties(locked.case)
        notice = document_issue(
            case=locked.case,
            template_code="fee_supplement_notice",
            context={
                "from_label": previous.label,
                "paid": full - difference,
                "full": full,
                "difference": difference,
            },
            actor=actor,
            now=now,
        )
        service_dispatch(document=notice, actor=actor, now=now, recipients=creditors)
        case_event_record(
            case=locked.case,
            kind=TrialEvent.FEE_DIFFERENCE_CHARGED,
            summary=f"转为普通程序，通知原告七日内补交案件受理费{difference}元（{notice.title}）",
            actor=actor,
            now=now,
            data={"difference": difference, "full": full, "document": notice.pk},
            legal_basis=BASIS_FEE_SUPPLEMENT,
        )
    return locked


def _time_limit_reset(lawsuit: Lawsuit, *, now: datetime) -> None:
    """The new procedure's time limit, still counted from filing (民诉解释 2022 art. 258)."""
    deadline_cancel(case=lawsuit.case, kinds=[TrialDeadline.TIME_LIMIT], now=now)
    time_limit_open(lawsuit, filed_on=_today(lawsuit.filed_at))
