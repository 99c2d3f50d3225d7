"""Acts posted from the case panel on 执行和解 (the agreement, its installments, resuming and the
release of seized property) and on 终本 (the applicant's signed opinion, the collegial review and
its approval, the property re-query after it)."""

from __future__ import annotations

from datetime import datetime

from django.http import QueryDict

from lastmile.accounts.models import User
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound
from lastmile.core.inputs import int_or_none

from .. import services
from ..models import PropertyRequery, SettlementInstallment, SettlementRelease, ZhongbenAssent
from .common import _date, _money, _obj, _schedule, _text

# --- 执行和解 --------------------------------------------------------------------------------


def _h_settlement(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.settlement_record(
        case=case,
        actor=actor,
        now=now,
        agreed_on=_date(data, "agreed_on", label="达成日期") or now.date(),
        terms=_text(data, "terms"),
        installments=_schedule(data, "installments", label="分期安排"),
    )
    return "已登记执行和解协议，执行中止。"


def _h_installment_pay(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    inst = services.settlement_installment_pay(
        installment=_obj(SettlementInstallment, case, data),
        amount=_money(data, "amount"),
        actor=actor,
        now=now,
        idempotency_key=_text(data, "key", required="请刷新页面后重试。"),
    )
    return f"已登记第{inst.seq}期款项。"


def _h_settlement_resume(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    new = services.settlement_resume(case=case, actor=actor, now=now, reason=_text(data, "reason"))
    return f"已立恢复执行案件{new.number}。"


def _h_settlement_release_apply(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    raw = data.get("applicant", "")
    row = case.case_parties.filter(party_id=int_or_none(raw) or 0).select_related("party").first()
    if row is None:
        raise NotFound("当事人不存在。")
    services.settlement_release_apply(
        case=case,
        applicant=row.party,
        content=_text(data, "content"),
        applied_on=_date(data, "applied_on", label="申请日期", required=False),
        actor=actor,
        now=now,
    )
    return "已登记解除查封、扣押、冻结的申请，待法官决定。"


def _h_settlement_release_decide(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    approve = data.get("approve") == "1"
    services.settlement_release_decide(
        application=_obj(SettlementRelease, case, data),
        approve=approve,
        note=_text(data, "note"),
        actor=actor,
        now=now,
    )
    return "已裁定解除查封、扣押、冻结。" if approve else "已决定不予解除。"


# --- 终本 ------------------------------------------------------------------------------------


def _h_zhongben_opinion(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    agrees = data.get("agrees") == "1"
    services.zhongben_opinion_record(
        case=case,
        actor=actor,
        now=now,
        signed_by=_text(data, "signed_by"),
        content=_text(data, "content"),
        agrees=agrees,
        signed_on=_date(data, "signed_on", label="签字日期", required=False),
    )
    return (
        "已登记申请执行人的签字意见。"
        if agrees
        else "已登记申请执行人不同意终本的意见，如需终本须经合议庭审查并报院长批准。"
    )


def _h_zhongben_review(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.zhongben_review_record(
        case=case,
        actor=actor,
        now=now,
        panel=_text(data, "panel"),
        content=_text(data, "content"),
        signed_on=_date(data, "signed_on", label="合议日期", required=False),
    )
    return "已登记合议庭审查意见，待院长批准。"


def _h_zhongben_review_approve(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.zhongben_review_approve(review=_obj(ZhongbenAssent, case, data), actor=actor, now=now)
    return "已批准合议庭终本审查意见。"


def _h_requery(case: Case, actor: User, now: datetime, data: QueryDict) -> str:
    services.requery_record(
        requery=_obj(PropertyRequery, case, data),
        actor=actor,
        now=now,
        result=data.get("result", ""),
        note=_text(data, "note"),
    )
    return "已登记财产复查结果。"
