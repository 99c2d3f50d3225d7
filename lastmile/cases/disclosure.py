"""What a case's parties may see of its events and deadlines: the one disclosure decision.

Every party-facing read (the portal pages, the party API, the "当事人可见的案件进度" preview)
asks this module and nothing else. The decision is a table keyed by event kind and deadline
kind, saying for each side of the case — the applicant (申请执行人 and the other creditor
roles) and the debtor (被执行人, the other debtor roles and the guarantor) — whether it sees
the row, with what wording, and from when.

**Deny by default.** A kind that is not in the table is shown to nobody, so a new event or
deadline kind stays hidden from the parties until someone classifies it;
``lastmile/portal/tests/test_disclosure_table.py`` scans the code for every kind it can produce and
fails for any kind left out.

The law behind the table (see ``docs/disclosure.md`` for the whole reasoning):

* 最高人民法院关于人民法院执行公开的若干规定 (法发〔2006〕35号): the parties are told of each
  step of enforcement, except information whose disclosure the law forbids; the result of
  checking a property clue goes to the applicant; a ruling on 查封、扣押、冻结、划拨 is served on
  the debtor and both parties are told *after* the measure has been carried out; a person
  subject to 拘留、罚款、拘传 receives the decision, and the other parties are told *after* it is
  taken.
* 最高人民法院关于推进执行信息公开平台建设的若干意见 (法发〔2014〕18号): parties may follow
  their own case's procedure online through the 执行信息公开平台.
* 民事诉讼法 (2023) art. 251: with the 执行通知 the court may take enforcement measures at
  once — so a measure may be prepared before the debtor is told anything, and the platform
  must not tell it earlier than the court does.
* 最高人民法院关于民事执行中财产调查若干问题的规定 (2020) art. 25: what the 查控 system finds
  is kept confidential and used only for the case.

Hence: the applicant sees its clues and their checking, and the results of 查控 once control
has landed; the debtor sees the acts served on it (notices, rulings, decisions) and its payment
obligations, and never plans, clues, proposals or results before they are carried out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from lastmile.core.identifiers import mask_phone, mask_resident_id

from .models import CREDITOR_ROLES, DEBTOR_ROLES, Case, CaseEvent, CaseParty, Deadline, PartyRole


class Side(StrEnum):
    """The side of the case a party stands on, for disclosure."""

    APPLICANT = "applicant"
    DEBTOR = "debtor"


APPLICANT = Side.APPLICANT
DEBTOR = Side.DEBTOR

#: Roles on each side. A guarantor (担保人) may be enforced against like the debtor, so it sees
#: what the debtor sees. Any other role (第三人) is on no side and sees nothing.
SIDE_ROLES: dict[Side, tuple[str, ...]] = {
    APPLICANT: tuple(CREDITOR_ROLES),
    DEBTOR: (*DEBTOR_ROLES, PartyRole.GUARANTOR),
}

SUMMARY = ""
"""``Shown.text`` value meaning "the event's own summary (ID and phone numbers masked)"."""


@dataclass(frozen=True)
class Shown:
    """How one side sees one kind of row.

    ``text``: the public-safe wording shown instead of the internal summary, or ``SUMMARY``.
    ``after``: shown only once the case has a *later* event of one of these kinds (a result
    becomes visible after the control it led to has landed).
    ``once``: shown only once the case has an event of one of these kinds (the debtor sees an
    enforcement case only after an act of the court has reached it).
    ``own``: shown only to the party named as ``recipient`` in the event's data.
    ``quiet_while_controlling``: hidden while a control order of the case is still in flight.
    """

    text: str = SUMMARY
    after: frozenset[str] = frozenset()
    once: frozenset[str] = frozenset()
    own: bool = False
    quiet_while_controlling: bool = False


@dataclass(frozen=True)
class Rule:
    """Who sees a kind of row, per side; ``None`` means hidden from that side."""

    applicant: Shown | None = None
    debtor: Shown | None = None

    def for_side(self, side: Side) -> Shown | None:
        return self.applicant if side == APPLICANT else self.debtor


HIDDEN = Rule()
"""Shown to no party: internal work, plans, proposals and orders still in flight."""

#: Acts of the court that reach the debtor; until one exists, the debtor sees nothing of an
#: enforcement case (民事诉讼法 2023 art. 251: measures may come with, or before, the notice).
SERVED_ON_DEBTOR = frozenset(
    {
        "enforcement.step.execution_notice",
        "enforcement.step.property_report_order",
        "enforcement.step.consumption_restriction",
        "enforcement.step.dishonest_listed",
        "enforcement.step.obstruction_punished",
        "inquiry.frozen",
        "inquiry.seized",
        "inquiry.deducted",
        "measures.in_force",
        "measures.listing_published",
    }
)

#: Events by which control has landed (or the inquiry was closed by the officer).
CONTROL_LANDED = frozenset(
    {
        "inquiry.frozen",
        "inquiry.seized",
        "inquiry.deducted",
        "enforcement.step.online_inquiry",
    }
)


def _a(text: str = SUMMARY, **kw: Any) -> Rule:
    """Applicant only."""
    return Rule(applicant=Shown(text, **kw))


def _d(text: str = SUMMARY, **kw: Any) -> Rule:
    """Debtor only."""
    return Rule(debtor=Shown(text, **kw))


def _both(text: str = SUMMARY, **kw: Any) -> Rule:
    return Rule(applicant=Shown(text, **kw), debtor=Shown(text, **kw))


def _both_served(text: str = SUMMARY, applicant_text: str | None = None) -> Rule:
    """Both sides; the debtor once an act has been served on it."""
    return Rule(
        applicant=Shown(text if applicant_text is None else applicant_text),
        debtor=Shown(text, once=SERVED_ON_DEBTOR),
    )


# --- Events -------------------------------------------------------------------------------

EVENT_RULES: dict[str, Rule] = {
    # Case core and filing: the filer is told of registration; the debtor learns of the case
    # from the acts served on it.
    "case.registered": _a(),
    "ledger.transaction": HIDDEN,  # a booking in the court's chain (no case): bookkeeping
    "enforcement.filed": _a("执行申请已受理立案"),
    "enforcement.received_online": _a("网上执行申请已提交，等待立案审查"),
    "enforcement.accepted": _a("执行申请已受理立案"),
    "enforcement.late_application": _a("申请已受理；申请时已超过申请执行期间，已依法记录"),
    "enforcement.triaged": HIDDEN,  # 繁简分流: internal
    "enforcement.green_channel": HIDDEN,  # 涉企绿色通道: internal routing
    "enforcement.triage_rules_updated": HIDDEN,
    "enforcement.assigned": _both_served("已确定承办人"),
    "enforcement.track_changed": HIDDEN,  # internal routing, like the triage
    "enforcement.reassigned": _both_served("已变更承办人"),
    "enforcement.pause_started": HIDDEN,  # 审限 bookkeeping
    "enforcement.pause_ended": HIDDEN,
    "enforcement.extension_requested": HIDDEN,
    "enforcement.extension_approved": _a("执行期限经批准延长"),
    "enforcement.extension_refused": HIDDEN,
    # Procedural steps: acts served on the debtor are seen by both once done; investigations
    # and their results go to the applicant only.
    "enforcement.step.execution_notice": _both("已向被执行人发出执行通知书"),
    "enforcement.step.property_report_order": _both("已责令被执行人报告财产"),
    "enforcement.step.property_report_received": _both("被执行人已申报财产"),
    "enforcement.step.consumption_restriction": _both("已对被执行人采取限制消费措施"),
    "enforcement.step.dishonest_listed": _both("已将被执行人纳入失信被执行人名单"),
    "enforcement.step.dishonest_na": HIDDEN,
    "enforcement.step.online_inquiry": _a("已通过网络查控系统查询被执行人财产"),
    "enforcement.step.onsite_investigation": _a("已进行现场调查"),
    "enforcement.step.debtor_search": _a("已开展查找被执行人工作"),
    "enforcement.step.obstruction_punished": _both("已依法处理妨害执行行为"),
    "enforcement.step.applicant_interview": _a("已约谈申请执行人"),
    # Clues: the applicant's own; never the debtor. Emergency plans: nobody.
    "enforcement.clue_submitted": _a(),
    "enforcement.clue_verified": _a(),
    "enforcement.emergency_opened": HIDDEN,
    "enforcement.emergency_closed": _a("已就紧急线索采取执行行动"),
    "enforcement.assistance_sent": HIDDEN,  # 委托/协助执行 between courts
    "enforcement.assistance_accepted": HIDDEN,
    "enforcement.assistance_replied": HIDDEN,
    # Settlement, suspension, closing: rulings and agreements both sides are party to.
    "enforcement.settlement_recorded": _both_served("双方已达成执行和解协议"),
    "enforcement.installment_paid": _both_served("已收到和解分期款"),
    "enforcement.settlement_defaulted": _both_served("被执行人未按和解协议履行"),
    # 执行和解规定 2020 art. 3: the applicant's own application to lift the freezes, and the
    # court's decision on it (an approval is a 解除裁定 served on both sides).
    "enforcement.settlement_release_applied": _a("已收到您解除查封、扣押、冻结的申请"),
    "enforcement.settlement_release_approved": _both_served("法院裁定解除查封、扣押、冻结"),
    "enforcement.settlement_release_refused": _a("法院决定不予解除查封、扣押、冻结"),
    "enforcement.suspended": _both_served("执行已中止"),
    "enforcement.resumed": _both_served("执行已恢复"),
    "enforcement.closed": _both_served("案件已结案"),
    "enforcement.restored": _both_served("已恢复执行"),
    "enforcement.requery_scheduled": _a("已安排终本后定期财产查询"),
    "enforcement.requery_done": _a("终本后定期财产查询已完成"),
    # 终本 (终本规定 2016 arts. 6, 10; 民诉解释 2022 art. 517): the applicant's own opinion; the
    # 合议庭's review and the 院长's approval are internal; the ruling and the publication are public acts.
    "enforcement.zhongben_opinion_recorded": _a("已记录您对终结本次执行程序的意见"),
    "enforcement.zhongben_review_recorded": HIDDEN,
    "enforcement.zhongben_review_approved": HIDDEN,
    "enforcement.zhongben_ruling_issued": _both_served("已作出终结本次执行程序裁定并送达"),
    # 民事诉讼法 2023 art. 268; 终本规定 2016 art. 9: the ruling and the notice are served on both.
    "enforcement.termination_ruling_issued": _both_served("已作出终结执行裁定并送达"),
    "enforcement.restore_notice_issued": _both_served("已发出恢复执行通知书"),
    "enforcement.zhongben_published": _both_served("终本案件信息已依法公开"),
    # 查控: orders in flight are seen by nobody; a result reaches the applicant once control
    # has landed; what landed is told to both (the ruling is served on the debtor).
    "inquiry.started": HIDDEN,
    "inquiry.order_failed": HIDDEN,
    "inquiry.order_resent": HIDDEN,
    "inquiry.assets_found": _a(after=CONTROL_LANDED, quiet_while_controlling=True),
    "inquiry.freeze_ordered": HIDDEN,
    "inquiry.seize_ordered": HIDDEN,
    "inquiry.deduct_ordered": HIDDEN,
    "inquiry.release_ordered": HIDDEN,
    "inquiry.renew_ordered": HIDDEN,
    "inquiry.release_all": HIDDEN,
    "inquiry.release_excess": HIDDEN,
    "inquiry.frozen": _both(),
    "inquiry.seized": _both(),
    "inquiry.deducted": _both(),
    "inquiry.released": _both(),
    "inquiry.renewed": _both(),
    "inquiry.freeze_lapsed": _a(),
    "inquiry.result_held": HIDDEN,  # an institution's answer held for review, not booked
    "inquiry.result_reviewed": HIDDEN,
    "inquiry.guard_spared": HIDDEN,  # the court's good-faith decision not to freeze (internal)
    # 扣押 of a movable, income withheld through the employer, 到期债权 and 轮候查封 (issue N): each
    # is a served ruling or notice, told to both sides once made (法发〔2006〕35号).
    "inquiry.movable_distrained": _both(),
    "inquiry.income_withheld": _both(),
    "inquiry.income_paid": _both(),
    "inquiry.income_released": _both(),
    "inquiry.receivable_noticed": _both(),
    "inquiry.receivable_objected": _a(),
    "inquiry.receivable_enforced": _both(),
    "inquiry.waiting_registered": _both(),
    "inquiry.waiting_effective": _both(),
    # The reference price (确定财产处置参考价规定 2018 art. 21: its documents go to the parties).
    "valuation.started": _both(),
    "valuation.answered": HIDDEN,  # one platform's answer; the price is what the parties are served
    "valuation.extended": _both(),
    "valuation.priced": _both(),
    "valuation.failed": _a(),
    "valuation.objected": _both(),
    "valuation.objection_decided": _both(),
    # 布控: where a watched car or debtor was seen is never shown to a party (个人信息保护法 art. 28)
    "watch.alert": HIDDEN,
    "watch.added": HIDDEN,
    "watch.ended": HIDDEN,
    "watch.dispatched": HIDDEN,
    "watch.outcome": HIDDEN,
    # 网络司法拍卖: the announcement, result, rulings and money are served on or told to both
    # sides (网络司法拍卖规定 2016 art. 16); who bid is never shown (art. 18).
    "auction.lot_created": HIDDEN,
    "auction.round_announced": _both(),
    "auction.sold": _both(),
    "auction.failed": _both(),
    "auction.confirmed": _both(),
    "auction.paid": _both(),
    "auction.withdrawn": _both(),
    "auction.set_off": _both(),
    "auction.allocated": _both(),
    "auction.handed_over": _both(),
    # Coercive measures (限消、失信、拘留 …): proposals and approvals are internal until the
    # measure is in force; the decision is then served on the debtor and the applicant is told.
    "measures.debtor_profile": HIDDEN,
    "measures.enterprise_screened": HIDDEN,
    "measures.grace_granted": HIDDEN,
    "measures.home_designated": HIDDEN,
    "measures.guardrail_override": HIDDEN,
    "measures.proposed": HIDDEN,
    "measures.approved": HIDDEN,
    "measures.rejected": HIDDEN,
    "measures.in_force": _both(),
    "measures.expired": _both(),
    "measures.lifted": _both(),
    "measures.revoked": _both(),
    "measures.family_notified": HIDDEN,
    "measures.listing_published": _both("已将被执行人纳入失信被执行人名单并公布"),
    "measures.listing_removed": _both("失信被执行人信息已删除"),
    "measures.listing_performance_updated": _both("失信被执行人名单中的履行情况已更新"),
    "measures.correction_received": _d("已收到您的失信信息纠正申请"),
    "measures.correction_decided": _d("失信信息纠正申请已审查"),
    "measures.dishonest_not_applicable": HIDDEN,
    "measures.temporary_lift_proposed": HIDDEN,
    "measures.temporary_lift_decided": _both_served("限制消费令临时解除申请已审查"),
    "measures.review_applied": _d("已收到复议申请"),
    "measures.review_decided": _both_served("复议申请已作出决定"),
    "measures.referral_prepared": HIDDEN,  # 移送公安 (拒执罪) in preparation
    "measures.referral_step": HIDDEN,
    "measures.operation_outcome": HIDDEN,
    # Carrying out 拘传, 拘留 and 罚款 (民诉解释 2022 arts. 182, 482): the debtor side is told.
    "measures.summons_released": _d("拘传询问结束，被拘传人已离开"),
    "measures.detention_released": _d("拘留期满，被拘留人已解除拘留"),
    "measures.detention_early_released": _d("被拘留人具结悔过，经院长批准提前解除拘留"),
    "measures.fine_paid": _d("罚款已缴纳"),
    # 腾房 (民事诉讼法 2023 art. 261): the draft is the court's plan; the signed 公告 is posted and
    # served on both sides, and what followed it is told to both.
    "measures.vacate_notice_drafted": HIDDEN,
    "measures.vacate_notice_issued": _both("本院已发布腾房公告，责令在指定期间内搬离房屋"),
    "measures.vacated": _both("房屋居住使用人已自行腾退房屋"),
    "measures.vacate_forced": _both("腾房公告期间届满，本院已依法强制迁出"),
    # Case funds: the obligation and payments are the debtor's own business; payout approval is
    # internal, its completion goes to the applicant.
    "ledger.obligation_recorded": _both_served(),
    "ledger.obligation_amended": _both_served(),
    "ledger.pause_recorded": _both_served("执行依据审查期间暂不计算加倍部分债务利息"),
    "ledger.pause_ended": _both_served("暂不计算加倍部分债务利息的期间已结束"),
    "ledger.receipt": _both_served("已收到执行款"),
    "ledger.receipt_claimed": _both_served("已收到执行款"),
    "ledger.payout_requested": HIDDEN,
    "ledger.payout_approved": HIDDEN,
    "ledger.payout_rejected": HIDDEN,
    "ledger.payout_paid": _a("执行款已发放"),
    # an officer's report of a payment counts once finance confirms it (then "ledger.receipt")
    "ledger.payment_reported": HIDDEN,
    "ledger.payout_account_set": HIDDEN,
    "ledger.payment_report_confirmed": HIDDEN,
    # 执行费用 borne by the debtor and a secured creditor's claim: both sides learn of them
    "ledger.execution_cost_recorded": _both_served("已登记由被执行人负担的执行费用"),
    "ledger.secured_claim_recorded": _both_served("已登记对拍卖财产享有优先受偿权的债权"),
    "ledger.set_off_booked": _both_served("以物抵债的财产价额已冲抵债务"),
    "ledger.payment_report_rejected": HIDDEN,
    # Documents: issuing is internal (a 协助冻结通知书 is issued before control lands); the
    # parties learn of a document when it is served on them.
    "document.issued": HIDDEN,
    "document.corrected": HIDDEN,
    "service.sent": HIDDEN,
    "service.attempt": HIDDEN,  # a direct, mail, 委托 or 转交 attempt: seen once it serves
    "service.failed": HIDDEN,
    "service.public_notice": Rule(applicant=Shown(own=True), debtor=Shown(own=True)),
    "service.served": Rule(applicant=Shown(own=True), debtor=Shown(own=True)),
    # Reception bookings are shown from the booking rows to the account that booked.
    "reception.booked": HIDDEN,
    "reception.cancelled": HIDDEN,
    "reception.received": HIDDEN,
    "reception.walk_in": HIDDEN,  # a visitor received without booking: the court's own record
    # A party's online requests (履行方案, 解除冻结, 庭审链接) and the court's answers: the party
    # that asked only (its own request; the other side is not told of an offer or a plea).
    "portal.request_submitted": Rule(applicant=Shown(own=True), debtor=Shown(own=True)),
    "portal.request_answered": Rule(applicant=Shown(own=True), debtor=Shown(own=True)),
    "portal.hearing_link_given": Rule(applicant=Shown(own=True), debtor=Shown(own=True)),
    # Pre-suit mediation and trial: both sides take part.
    "mediation.assigned": _both("已指派调解员"),
    "mediation.session_scheduled": _both(),
    "mediation.session_recorded": _both("已记录调解笔录"),
    "mediation.agreed": _both("双方已达成调解协议"),
    "mediation.result_issued": _both("已出具调解结果"),
    "mediation.concluded": _both("调解已结束"),
    "mediation.effective": _both("调解协议已生效"),
    "mediation.failed": _both("调解不成"),
    "mediation.installment_paid": _both("已收到调解协议分期款"),
    "mediation.installment_missed": _both("调解协议分期款逾期未付"),
    "mediation.enforcement_filed": _a("已申请强制执行"),
    "mediation.party_joined": _both("当事人已确认参加调解"),
    "mediation.agreement_signed": _both("当事人已签署调解协议"),
    "mediation.agreement_effective": _both("调解协议经各方签署生效"),
    "mediation.confirmation_applied": _both("已申请司法确认"),
    "mediation.in_suit_opened": _both("诉中调解"),
    "mediation.returned_to_trial": _both("诉中调解不成，恢复审理"),
    "trial.hearing_scheduled": _both("已安排开庭"),
    "trial.heard": _both("已开庭审理"),
    "trial.judgment_issued": _both("已作出判决"),
    "trial.judgment_effective": _both("判决已生效"),
    "trial.appealed": _both("已提起上诉"),
    "trial.paid": _both("已履行判决确定的给付"),
    "trial.procedure_converted": _both("审理程序已转换"),
    "trial.small_claims_agreed": _both("当事人已约定适用小额诉讼的程序"),
    "trial.fee_difference_charged": _a("已通知补交案件受理费"),
    "trial.summoned": _both("已发出开庭传票"),
    "trial.enforcement_filed": _a("已申请强制执行"),
}


# --- Deadlines ----------------------------------------------------------------------------

DEADLINE_RULES: dict[str, Rule] = {
    "filing": _a(),  # the court's 7 days to accept the application
    "execution_notice": _a(),
    "property_report_order": _a(),
    "time_limit": HIDDEN,  # 执行期限: internal management
    "time_limit_warning": HIDDEN,
    "detention_family_notice": HIDDEN,
    "mediation_period": _both(),
    "trial_time_limit": HIDDEN,
    "clue": _a(),  # checking the applicant's clue (7 days, 3 if urgent)
    "assist": HIDDEN,  # another court's reply to a request for assistance
    "settle": _both_served(),  # the debtor's settlement instalment
    "requery": _a(),  # 终本后 every six months, told to the applicant
    "inquiry_renew": _a(),  # renewal of a landed freeze or seizure
    "funds_payout": _a(),  # paying the money out to the applicant
    "listing_correction": _d(),  # the debtor's own correction request
    "listing_removal": _d(),  # deleting the debtor's listing (3 working days)
    "measure_review_window": _d(),  # the debtor's time to ask for review
    "measure_review": _d(),
    "party_request": HIDDEN,  # the officer's time to answer a party's online request
    "auction_handover": _both(),  # handing the sold asset over within 15 days
}


def event_rule(kind: str) -> Rule:
    """The rule for an event kind; unknown kinds are hidden."""
    return EVENT_RULES.get(kind, HIDDEN)


def deadline_rule(kind: str) -> Rule:
    """The rule for a deadline kind; unknown kinds are hidden."""
    return DEADLINE_RULES.get(kind, HIDDEN)


# --- Masking ------------------------------------------------------------------------------

# 18- or 15-digit ID numbers and mainland mobile numbers inside free text.
_ID_RE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def scrub_text(text: str) -> str:
    """Mask ID numbers and phone numbers that appear inside free text."""
    text = _ID_RE.sub(lambda m: mask_resident_id(m.group(1)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(1)), text)


# --- Reads --------------------------------------------------------------------------------


def sides_of(*, case: Case, party_id: int) -> frozenset[Side]:
    """The sides ``party_id`` stands on in ``case`` (empty when it is not a party)."""
    roles = set(CaseParty.objects.filter(case=case, party_id=party_id).values_list("role", flat=True))
    return frozenset(side for side, side_roles in SIDE_ROLES.items() if roles & set(side_roles))


@dataclass(frozen=True)
class PartyEvent:
    at: datetime
    kind: str
    text: str


@dataclass(frozen=True)
class PartyDeadline:
    kind: str
    text: str
    due_on: date


def _passes(
    shown: Shown,
    *,
    later: set[str],
    present: set[str],
    data: dict[str, Any],
    party_id: int | None,
    controlling: bool,
) -> bool:
    if shown.after and not (shown.after & later):
        return False
    if shown.once and not (shown.once & present):
        return False
    if shown.quiet_while_controlling and controlling:
        return False
    return not (shown.own and (party_id is None or data.get("recipient") != party_id))


def _shown_for(rule: Rule, sides: Iterable[Side], **context: Any) -> Shown | None:
    """The view of the first side in ``sides`` that may see the row (a party on two sides sees
    what either may)."""
    for side in sides:
        shown = rule.for_side(side)
        if shown is not None and _passes(shown, **context):
            return shown
    return None


def party_events(
    *,
    case: Case,
    sides: Iterable[Side],
    party_id: int | None = None,
    control_in_flight: bool = False,
) -> list[PartyEvent]:
    """The events of ``case`` a party on ``sides`` may see, oldest first, in the wording the
    table gives (internal summaries only where the table allows, ID and phone numbers masked).

    ``control_in_flight``: a control order of the case is still open, so results stay hidden."""
    side_list = list(dict.fromkeys(sides))
    if not side_list:
        return []
    rows = list(
        CaseEvent.objects.filter(case=case)
        .order_by("chain_index")
        .values_list("occurred_at", "kind", "summary", "data")
    )
    present = {kind for _, kind, _, _ in rows}
    later: set[str] = set()
    shown_rows: list[PartyEvent] = []
    for occurred_at, kind, summary, data in reversed(rows):
        shown = _shown_for(
            event_rule(kind),
            side_list,
            later=later,
            present=present,
            data=data if isinstance(data, dict) else {},
            party_id=party_id,
            controlling=control_in_flight,
        )
        if shown is not None:
            text = shown.text or scrub_text(summary)
            shown_rows.append(PartyEvent(at=occurred_at, kind=kind, text=text))
        later.add(kind)
    shown_rows.reverse()
    return shown_rows


def party_deadlines(
    *,
    case: Case,
    sides: Iterable[Side],
    party_id: int | None = None,
    control_in_flight: bool = False,
) -> list[PartyDeadline]:
    """The open deadlines of ``case`` a party on ``sides`` may see, soonest first."""
    side_list = list(dict.fromkeys(sides))
    if not side_list:
        return []
    present = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    result = []
    for d in Deadline.objects.filter(case=case, done_at__isnull=True, cancelled_at__isnull=True).order_by(
        "due_on", "pk"
    ):
        shown = _shown_for(
            deadline_rule(d.kind),
            side_list,
            later=present,
            present=present,
            data={},
            party_id=party_id,
            controlling=control_in_flight,
        )
        if shown is not None:
            result.append(PartyDeadline(kind=d.kind, text=shown.text or scrub_text(d.label), due_on=d.due_on))
    return result


def case_disclosed(*, case: Case, sides: Iterable[Side], party_id: int | None = None) -> bool:
    """Whether a party on ``sides`` may see ``case`` at all: an applicant always (it asked for
    it); a debtor once at least one event is disclosed to it — before that, the enforcement case
    is not yet known to it (民事诉讼法 2023 art. 251)."""
    side_list = list(sides)
    if APPLICANT in side_list:
        return True
    return bool(party_events(case=case, sides=side_list, party_id=party_id))
