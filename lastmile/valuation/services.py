"""Writes of the reference-price procedure (确定财产处置参考价规定 2018; docs/valuation.md).

Every act runs in one transaction with its case event; every refusal raises a
:class:`~lastmile.core.errors.DomainError` naming its article and writes nothing. The request
(询价函 or 评估委托书) and the result (参考价通知书) are issued from the documents catalog and served
on the parties (art. 21); the answers come through the :class:`~.ports.PricingPort` chosen in
settings (the simulator offline, real platforms in production).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from lastmile.accounts.models import User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty, CaseStatus, PartyRole
from lastmile.cases.services import case_event_record
from lastmile.core.clock import court_date
from lastmile.core.errors import ConditionsNotMet, Conflict, InvalidAmount, InvalidTransition
from lastmile.core.legal import LegalBasis
from lastmile.core.money import format_yuan, to_money
from lastmile.documents.models import Document
from lastmile.inquiry.documents import catalog_document_issue
from lastmile.inquiry.models import HOLDING_STATUSES, Asset, Freeze
from lastmile.ledger.models import ExecutionCostKind
from lastmile.ledger.services import execution_cost_record
from lastmile.parties.models import Party
from lastmile.service.services import service_dispatch

from . import rules
from .conf import pricing_port, valuation_setting
from .error_codes import ValuationErrorCode as Code
from .kinds import ValuationEvent
from .models import Answer, Method, Objection, ObjectionOutcome, Valuation, ValuationStatus
from .ports import PriceRequest

WORKING = (CaseStatus.FILED, CaseStatus.IN_PROGRESS)


def _event(
    v: Valuation, kind: ValuationEvent, summary: str, actor: User | None, now: datetime, basis: LegalBasis
) -> None:
    case_event_record(
        case=v.case,
        kind=kind,
        summary=summary[:256],
        actor=actor,
        now=now,
        data={"valuation": v.pk, "asset": v.asset_id, "method": v.method},
        legal_basis=basis,
    )


def _parties(case: Case) -> list[Party]:
    rows = CaseParty.objects.filter(case=case, role__in=[PartyRole.APPLICANT, *DEBTOR_ROLES]).select_related(
        "party"
    )
    return [cp.party for cp in rows.order_by("role", "position", "pk")]


def _applicant(case: Case) -> Party | None:
    cp = CaseParty.objects.filter(case=case, role=PartyRole.APPLICANT).order_by("position", "pk").first()
    return cp.party if cp else None


def _property(asset: Asset) -> str:
    return f"{asset.get_kind_display()}{asset.label or asset.identifier}"


def _seizure(asset: Asset) -> Freeze | None:
    return (
        Freeze.objects.filter(asset=asset, is_money=False, status__in=HOLDING_STATUSES).order_by("pk").first()
    )


def _serve(document: Document, case: Case, now: datetime) -> None:
    service_dispatch(document=document, actor=None, now=now, recipients=_parties(case))


def _request(v: Valuation) -> PriceRequest:
    a = v.asset
    return PriceRequest(
        key=v.key,
        asset_kind=a.kind,
        identifier=a.identifier,
        label=a.label,
        details=dict(a.details or {}),
        asked_at=v.created_at,
    )


def _sources(v: Valuation) -> list[str]:
    if v.method == Method.APPRAISAL:
        return [v.firms[v.firm_index]]
    return list(v.answers.values_list("source", flat=True))


def valuation_start(
    *,
    asset: Asset,
    method: str,
    actor: User,
    now: datetime,
    applicant_price: Decimal | None = None,
    debtor_price: Decimal | None = None,
    firms: list[str] | None = None,
    cost: Decimal | None = None,
) -> Valuation:
    """Start fixing the reference price of a seized asset by ``method`` (art. 2).

    - 当事人议价: both sides' prices must be given and equal (art. 4); the price is fixed at once,
      served, and no objection lies (art. 24).
    - 定向询价: only for real estate and vehicles, which have a tax base or government price
      (art. 5); the listed body answers within 3 days (art. 6).
    - 网络询价: every listed platform is asked (art. 10); 3 days (art. 11).
    - 委托评估: three firms and their order, agreed (``firms``) or drawn by lot (art. 16); the
      first is commissioned, 30 days (art. 19).

    The cost is advanced by the applicant and borne by the debtor (art. 33). Refused: an asset
    not seized, a case not in execution, a method the asset does not allow, a second open attempt.
    """
    case = asset.case
    require(actor, "inquiry.order", court=case.court)
    if method not in Method.values:
        raise InvalidTransition("未知的参考价确定方式。", code=Code.METHOD_NOT_AVAILABLE)
    with transaction.atomic():
        Asset.objects.select_for_update().get(pk=asset.pk)
        if case.status not in WORKING:
            raise InvalidTransition("案件当前状态不能确定参考价。")
        seizure = _seizure(asset)
        if seizure is None:
            raise ConditionsNotMet(
                f"财产尚未查封、扣押，不能确定处置参考价（{rules.BASIS_START}）。",
                unmet=["seized"],
                details={"basis": rules.BASIS_START.as_dict()},
            )
        if Valuation.objects.filter(asset=asset, status=ValuationStatus.OPEN).exists():
            raise Conflict("该财产已有正在进行的询价或评估。", code=Code.ALREADY_OPEN)
        today = court_date(now)
        v = Valuation(
            court_id=case.court_id,
            case=case,
            asset=asset,
            method=method,
            key=f"val-{uuid.uuid4().hex}",
            started_on=today,
            cost=to_money(cost if cost is not None else Decimal(valuation_setting("COSTS")[method])),
            cost_advanced_by=_applicant(case),
            created_by=actor,
            created_at=now,
        )
        if v.cost < 0:
            raise InvalidAmount("费用不能为负数。")
        if seizure.starts_on and today > rules.start_due(seizure.starts_on):
            v.note = f"查封后逾三十日启动（{rules.BASIS_START}）"
        if method == Method.AGREEMENT:
            return _agreement(v, applicant_price, debtor_price, actor, now)
        if method == Method.DIRECTED:
            if asset.kind not in rules.DIRECTED_KINDS:
                raise ConditionsNotMet(
                    f"该类财产没有计税基准价或政府定价、指导价，不能定向询价（{rules.BASIS_DIRECTED}）。",
                    code=Code.METHOD_NOT_AVAILABLE,
                    unmet=["directed_kind"],
                    details={"basis": rules.BASIS_DIRECTED.as_dict()},
                )
            sources = [str(valuation_setting("DIRECTED_BODIES")[asset.kind])]
            articles, basis = "第五条、第六条", rules.BASIS_DIRECTED
        elif method == Method.ONLINE:
            sources = list(valuation_setting("PLATFORMS"))
            articles, basis = "第七条、第十条、第十一条", rules.BASIS_ONLINE_ALL
        else:
            sources, chosen_by = _firms(v, firms)
            articles, basis = "第十四条、第十六条、第十九条", rules.BASIS_FIRMS
        v.answer_due = rules.answer_due(method, today)
        v.save()
        Answer.objects.bulk_create([Answer(valuation=v, source=s) for s in sources])
        if method == Method.APPRAISAL:
            doc = catalog_document_issue(
                case=case,
                code="valuation_commission",
                context={
                    "firm": v.firms[0],
                    "property": _property(asset),
                    "chosen_by": chosen_by,
                    "due": v.answer_due.isoformat(),
                },
                actor=actor,
                now=now,
            )
        else:
            doc = catalog_document_issue(
                case=case,
                code="valuation_inquiry_letter",
                context={
                    "addressee": "、".join(sources),
                    "property": _property(asset),
                    "method_label": v.get_method_display(),
                    "articles": articles,
                    "due": v.answer_due.isoformat(),
                },
                actor=actor,
                now=now,
            )
        v.request_document = doc
        v.save(update_fields=["request_document"])
        _cost_post(v, actor, now)
        _serve(doc, case, now)
        _event(
            v,
            ValuationEvent.STARTED,
            f"{v.get_method_display()}：{_property(asset)}，询价对象{'、'.join(sources)}，期限至{v.answer_due}",
            actor,
            now,
            basis,
        )
        return v


def _cost_post(v: Valuation, actor: User, now: datetime) -> None:
    """The inquiry's or appraisal's fee is a 执行费用: advanced by the applicant, borne by the
    debtor (参考价规定 2018 art. 33), posted to the case's ledger so the proceeds repay it first
    (执行工作规定 2020 art. 34)."""
    execution_cost_record(
        case=v.case,
        kind=ExecutionCostKind.VALUATION,
        label=f"{v.get_method_display()}费用（{_property(v.asset)}）"[:128],
        amount=v.cost,
        incurred_on=v.started_on,
        source_key=f"valuation:{v.pk}",
        actor=actor,
        now=now,
        basis=rules.BASIS_COSTS,
        advanced_by=v.cost_advanced_by,
    )


def _firms(v: Valuation, firms: list[str] | None) -> tuple[list[str], str]:
    if firms:
        cleaned = [f.strip() for f in firms if f and f.strip()]
        if len(cleaned) != rules.FIRM_COUNT or len(set(cleaned)) != rules.FIRM_COUNT:
            raise ConditionsNotMet(
                f"当事人协商确定的评估机构应为三家且不重复（{rules.BASIS_FIRMS}）。",
                code=Code.FIRMS_INVALID,
                unmet=["firms"],
                details={"basis": rules.BASIS_FIRMS.as_dict()},
            )
        v.firms, v.firms_chosen_by = cleaned, "agreement"
        return [cleaned[0]], "当事人协商"
    v.lot_seed = uuid.uuid4().hex
    v.firms = rules.firms_by_lot(list(valuation_setting("FIRMS")), seed=v.lot_seed)
    v.firms_chosen_by = "lot"
    return [v.firms[0]], "摇号"


def _agreement(
    v: Valuation, applicant_price: Decimal | None, debtor_price: Decimal | None, actor: User, now: datetime
) -> Valuation:
    if applicant_price is None or debtor_price is None:
        raise ConditionsNotMet(
            f"议价须由双方当事人分别报价（{rules.BASIS_AGREEMENT}）。",
            code=Code.AGREEMENT_MISMATCH,
            unmet=["prices"],
            details={"basis": rules.BASIS_AGREEMENT.as_dict()},
        )

    a, d = to_money(applicant_price), to_money(debtor_price)
    if a <= 0 or a != d:
        raise ConditionsNotMet(
            f"双方当事人议价结果不一致，不能以议价确定参考价（{rules.BASIS_AGREEMENT}）。",
            code=Code.AGREEMENT_MISMATCH,
            unmet=["prices_match"],
            details={"basis": rules.BASIS_AGREEMENT.as_dict()},
        )
    v.save()
    _price_fix(v, a, "双方当事人议价一致", actor, now)
    return v


def _price_fix(v: Valuation, price: Decimal, source: str, actor: User | None, now: datetime) -> None:
    """Fix the price, issue the 参考价通知书 and serve it on the parties (art. 21). 议价 and 定向询价
    are final at once (art. 24); 网络询价 and 委托评估 wait out the 5-day objection window (art. 22,
    counted from electronic service on the day of issue; CPL 2023 art. 90)."""
    today = court_date(now)
    v.price = price
    v.source = source[:256]
    v.priced_on = today
    v.valid_until = rules.valid_until(today)
    objectionable = v.method in (Method.ONLINE, Method.APPRAISAL)
    if objectionable:
        v.status = ValuationStatus.PRICED
        v.objection_due = rules.objection_due(today)
        objection_text = (
            f"当事人对本参考价有异议的，可以在收到本通知书之日起五日内（至{v.objection_due}）以书面形式向本院提出"
            "（第二十二条、第二十三条）。"
        )
    else:
        v.status = ValuationStatus.FINAL
        objection_text = f"当事人对{v.get_method_display()}结果提出异议的，人民法院不予受理（第二十四条）。"
    doc = catalog_document_issue(
        case=v.case,
        code="valuation_result_notice",
        context={
            "property": _property(v.asset),
            "method_label": v.get_method_display(),
            "price": f"{price:.2f}",
            "source": v.source,
            "priced_on": today.isoformat(),
            "valid_until": v.valid_until.isoformat(),
            "objection_text": objection_text,
        },
        actor=actor,
        now=now,
    )
    v.result_document = doc
    v.save()
    _serve(doc, v.case, now)
    _event(
        v,
        ValuationEvent.PRICED,
        f"参考价确定：{_property(v.asset)} {format_yuan(price)}元（{v.get_method_display()}，{v.source}），"
        f"有效期至{v.valid_until}",
        actor,
        now,
        rules.BASIS_VALIDITY,
    )


def valuation_collect(*, valuation: Valuation, actor: User | None, now: datetime) -> Valuation:
    """Take in the answers that have arrived and, when the period has run or every source has
    answered, fix the price: the body's on-time answer (art. 6), the mean of the platforms that
    answered on time (art. 13; none on time → FAILED, appraisal next, art. 14), the firm's report
    (art. 19). A late answer is recorded and not counted. Idempotent."""
    if actor is not None:
        require(actor, "inquiry.order", court=valuation.case.court)
    with transaction.atomic():
        v = Valuation.objects.select_for_update().select_related("asset", "case").get(pk=valuation.pk)
        if v.status != ValuationStatus.OPEN:
            return v
        assert v.answer_due is not None
        today = court_date(now)
        answers = {a.source: a for a in v.answers.select_for_update()}
        for quote in pricing_port().quotes(request=_request(v), sources=_sources(v), now=now):
            row = answers.get(quote.source)
            if row is None or row.answered_at is not None or quote.answered_at > now:
                continue
            row.value = to_money(quote.value)
            row.answered_at = quote.answered_at
            row.on_time = court_date(quote.answered_at) <= v.answer_due
            row.reference = quote.reference[:64]
            row.save()
            _event(
                v,
                ValuationEvent.ANSWERED,
                f"{row.source}回复{format_yuan(row.value)}元" + ("" if row.on_time else "（逾期，不予采用）"),
                actor,
                now,
                rules.BASIS_ONLINE_MEAN if v.method == Method.ONLINE else rules.BASIS_METHODS,
            )
        current = [
            a for a in answers.values() if v.method != Method.APPRAISAL or a.source == v.firms[v.firm_index]
        ]
        all_in = all(a.answered_at is not None for a in current)
        if not all_in and today <= v.answer_due:
            return v
        on_time = [a for a in current if a.on_time and not a.excluded and a.value is not None]
        if v.method == Method.ONLINE:
            mean = rules.online_mean(a.value for a in on_time if a.value is not None)
            if mean is not None:
                _price_fix(
                    v,
                    mean,
                    "网络询价平台" + "、".join(a.source for a in on_time) + "结果的平均值",
                    actor,
                    now,
                )
                return v
        elif on_time and on_time[0].value is not None:
            _price_fix(v, on_time[0].value, f"{on_time[0].source}{v.get_method_display()}结果", actor, now)
            return v
        v.status = ValuationStatus.FAILED
        v.note = (v.note + "；" if v.note else "") + "期限内未取得有效结果"
        v.save(update_fields=["status", "note"])
        _event(
            v,
            ValuationEvent.FAILED,
            f"{v.get_method_display()}期限届满未取得有效结果，应当委托评估（{rules.BASIS_APPRAISAL}）",
            actor,
            now,
            rules.BASIS_APPRAISAL,
        )
        return v


def valuation_extend(*, valuation: Valuation, days: int, actor: User, now: datetime) -> Valuation:
    """Extend the answer period on the platform's or firm's application: 网络询价 once by 3 days
    (art. 11); 委托评估 at most twice by ≤15 days each, applied for at least 5 days before the
    deadline (art. 19). The new last day goes through the legal-period calculator."""
    require(actor, "inquiry.order", court=valuation.case.court)
    with transaction.atomic():
        v = Valuation.objects.select_for_update().get(pk=valuation.pk)
        if v.status != ValuationStatus.OPEN or v.answer_due is None:
            raise InvalidTransition("只有进行中的询价或评估可以延期。", code=Code.NOT_OPEN)
        today = court_date(now)
        if v.method == Method.ONLINE:
            basis = rules.BASIS_ONLINE_PERIOD
            ok = v.extensions < rules.ONLINE_MAX_EXTENSIONS and days == rules.ONLINE_EXTENSION_DAYS
            ok = ok and today <= v.answer_due
            why = "网络询价只能延长一次，每次三日，且须在期限内申请"
        elif v.method == Method.APPRAISAL:
            basis = rules.BASIS_APPRAISAL_PERIOD
            ok = (
                v.extensions < rules.APPRAISAL_MAX_EXTENSIONS
                and 1 <= days <= rules.APPRAISAL_EXTENSION_MAX_DAYS
                and (v.answer_due - today).days >= rules.APPRAISAL_EXTENSION_NOTICE_DAYS
            )
            why = "委托评估最多延期两次，每次不超过十五日，且应在期限届满五日前申请"
        else:
            basis, ok, why = rules.BASIS_METHODS, False, "该方式不能延期"
        if not ok:
            raise ConditionsNotMet(
                f"{why}（{basis}）。",
                code=Code.EXTENSION_REFUSED,
                unmet=["extension"],
                details={"basis": basis.as_dict()},
            )
        v.answer_due = rules.answer_due_extended(v.answer_due, days)
        v.extensions += 1
        v.save(update_fields=["answer_due", "extensions"])
        _event(
            v, ValuationEvent.EXTENDED, f"{v.get_method_display()}期限延长至{v.answer_due}", actor, now, basis
        )
        return v


def valuation_object(
    *,
    valuation: Valuation,
    party: Party,
    grounds: str,
    actor: User,
    now: datetime,
    filed_on: date | None = None,
) -> Objection:
    """Record a party's written objection to an online or appraised price, filed within 5 days of
    receipt (arts. 22–23). Refused: an objection to 议价 or 定向询价 (art. 24), a late one, one by
    someone not a party."""
    require(actor, "inquiry.order", court=valuation.case.court)
    filed = filed_on or court_date(now)
    with transaction.atomic():
        v = Valuation.objects.select_for_update().get(pk=valuation.pk)
        if v.method in (Method.AGREEMENT, Method.DIRECTED):
            raise ConditionsNotMet(
                f"当事人对{v.get_method_display()}结果提出异议的，人民法院不予受理（{rules.BASIS_NO_OBJECTION}）。",
                code=Code.OBJECTION_NOT_ACCEPTED,
                unmet=["method"],
                details={"basis": rules.BASIS_NO_OBJECTION.as_dict()},
            )
        if v.status != ValuationStatus.PRICED or v.objection_due is None:
            raise InvalidTransition("参考价尚未确定或已不能提出异议。", code=Code.NOT_OPEN)
        if filed > v.objection_due:
            raise ConditionsNotMet(
                f"异议应在收到参考价通知书之日起五日内提出，期限已于{v.objection_due}届满（{rules.BASIS_OBJECTION}）。",
                code=Code.OBJECTION_LATE,
                unmet=["in_time"],
                details={"basis": rules.BASIS_OBJECTION.as_dict()},
            )
        if party not in _parties(v.case):
            raise ConditionsNotMet("异议人不是本案当事人。", unmet=["party"])
        grounds = grounds.strip()
        if not grounds:
            raise ConditionsNotMet("请填写异议理由。", unmet=["grounds"])
        objection = Objection.objects.create(
            valuation=v, party=party, grounds=grounds[:512], filed_on=filed, recorded_by=actor
        )
        _event(
            v,
            ValuationEvent.OBJECTED,
            f"{party.name}对参考价提出异议：{grounds}",
            actor,
            now,
            rules.BASIS_OBJECTION,
        )
        return objection


def objection_decide(
    *, objection: Objection, upheld: bool, actor: User, now: datetime, exclude_source: str = ""
) -> Objection:
    """Decide an objection by ruling, served on the parties. Rejected: the price stands and
    becomes final once no objection is pending. Upheld: an online report named by
    ``exclude_source`` is left out and the mean recomputed from the other on-time reports
    (art. 13); otherwise the price is void and the officer starts a new attempt."""
    require(actor, "enforcement.decide", court=objection.valuation.case.court)
    with transaction.atomic():
        o = Objection.objects.select_for_update().select_related("valuation", "party").get(pk=objection.pk)
        v = Valuation.objects.select_for_update().select_related("asset", "case").get(pk=o.valuation_id)
        if o.outcome != ObjectionOutcome.PENDING:
            raise InvalidTransition("该异议已经审查。", code=Code.OBJECTION_DECIDED)
        outcome_text = "驳回异议。"
        mean: Decimal | None = None
        remaining: list[Answer] = []
        if upheld:
            remaining = [
                a
                for a in v.answers.all()
                if a.on_time and not a.excluded and a.value is not None and a.source != exclude_source
            ]
            if v.method == Method.ONLINE and exclude_source and remaining:
                v.answers.filter(source=exclude_source).update(excluded=True)
                mean = rules.online_mean(a.value for a in remaining if a.value is not None)
                outcome_text = f"异议成立，{exclude_source}的询价结果不予采用，参考价调整为人民币{mean}元。"
            else:
                v.status = ValuationStatus.VOID
                v.save(update_fields=["status"])
                outcome_text = "异议成立，撤销该参考价，另行确定。"
        o.outcome = ObjectionOutcome.UPHELD if upheld else ObjectionOutcome.REJECTED
        o.decided_at, o.decided_by = now, actor
        ruling = catalog_document_issue(
            case=v.case,
            code="valuation_objection_ruling",
            context={
                "objector": o.party.name,
                "filed_on": o.filed_on.isoformat(),
                "property": _property(v.asset),
                "grounds": o.grounds,
                "outcome": outcome_text,
            },
            actor=actor,
            now=now,
        )
        o.ruling = ruling
        o.save()
        _serve(ruling, v.case, now)
        _event(
            v,
            ValuationEvent.OBJECTION_DECIDED,
            f"参考价异议审查：{outcome_text}",
            actor,
            now,
            rules.BASIS_OBJECTION,
        )
        if upheld and mean is not None and v.status == ValuationStatus.PRICED:
            # The recomputed mean is a new price: fixed, served and open to objection again.
            _price_fix(
                v, mean, "网络询价平台" + "、".join(a.source for a in remaining) + "结果的平均值", actor, now
            )
        return o


def valuation_finalize_due(*, now: datetime) -> int:
    """Mark FINAL every priced valuation whose objection window has run with no objection
    pending (the worker's daily sweep and the selectors agree on this rule). Returns the count."""
    today = court_date(now)
    qs = Valuation.objects.filter(status=ValuationStatus.PRICED, objection_due__lt=today).exclude(
        objections__outcome=ObjectionOutcome.PENDING
    )
    return qs.update(status=ValuationStatus.FINAL)
