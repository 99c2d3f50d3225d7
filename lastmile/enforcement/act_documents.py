"""Which documents each act of an enforcement case produces (issue K: every act issues its
document and serves it), in one table: the event kind that records the act, and the catalog
templates it issues. Each entry is a tuple of slots; a slot lists the templates one of which the
act issues (a seizure's ruling depends on what is seized).

Who receives each document (docs/law.md "Documents"):

- a control ruling (冻结/查封/扣押/扣划/解除/续行, 查封规定 2020 art. 1) is served on the debtor it
  reaches and on the applicants, once the act has landed (the frozen/seized/deducted/released/
  renewed event), never while the order is in flight;
- the 协助执行通知书 goes to the institution with the order (民事诉讼法 2023 art. 253): its number is
  on the :class:`~lastmile.inquiry.models.Order` row and on the wire;
- the 执行通知书 and 报告财产令 are served on every debtor (民事诉讼法 2023 arts. 251, 252);
- the 终本裁定, 终结执行裁定, 结案通知书 and 恢复执行通知书 on every party;
- the 执行款发放审批表 (付款指令) of an approved payout goes to the bank through finance, not to the
  parties.

An automatic freeze of several accounts of one debtor is one ruling (listing them) and one notice
per institution's order; the table counts one act of one order. Measures (限制消费令, 失信决定书,
罚款决定书 …) are listed by the measures app (:mod:`lastmile.measures.documents`).
"""

from __future__ import annotations

from lastmile.cases.kinds import EventKind
from lastmile.enforcement.kinds import EnforcementEvent
from lastmile.inquiry.documents import ACT_RULINGS, ASSISTANCE_NOTICE, FREEZE_RULINGS
from lastmile.inquiry.kinds import InquiryEvent
from lastmile.inquiry.models import AssetKind, OrderKind
from lastmile.ledger.kinds import LedgerEvent

from .documents import TEMPLATE_BY_STEP
from .models import StepKind
from .payout_instruction import TEMPLATE as PAYOUT_INSTRUCTION

Slots = tuple[tuple[str, ...], ...]

_NOTICE = (ASSISTANCE_NOTICE,)
_SEIZURE_RULINGS = tuple(sorted({code for kind, code in FREEZE_RULINGS.items() if kind != AssetKind.DEPOSIT}))

ACT_DOCUMENTS: dict[EventKind, Slots] = {
    # 网络查控 (民事诉讼法 2023 arts. 253, 255; 民诉解释 2022 arts. 484, 485; 查封规定 2020 art. 28)
    InquiryEvent.FREEZE_ORDERED: ((FREEZE_RULINGS[AssetKind.DEPOSIT],), _NOTICE),
    InquiryEvent.SEIZE_ORDERED: (_SEIZURE_RULINGS, _NOTICE),
    InquiryEvent.DEDUCT_ORDERED: ((ACT_RULINGS[OrderKind.DEDUCT],), _NOTICE),
    InquiryEvent.RELEASE_ORDERED: ((ACT_RULINGS[OrderKind.UNFREEZE],), _NOTICE),
    InquiryEvent.RELEASE_EXCESS: ((ACT_RULINGS[OrderKind.UNFREEZE],), _NOTICE),
    # All at once: the 解除 ruling issued here, unless the court's own ruling was given (after a
    # settlement, 执行和解规定 2020 art. 3: ``ruling_release``, issued by the enforcement app).
    InquiryEvent.RELEASE_ALL: ((ACT_RULINGS[OrderKind.UNFREEZE],), _NOTICE),
    InquiryEvent.RENEW_ORDERED: ((ACT_RULINGS[OrderKind.RENEW],), _NOTICE),
    # The court's 解除 decision after a settlement (its notices go with RELEASE_ALL's orders).
    EnforcementEvent.SETTLEMENT_RELEASE_APPROVED: (("ruling_release",),),
    # The notice steps (民事诉讼法 2023 arts. 251, 252)
    EnforcementEvent.STEP_EXECUTION_NOTICE: ((TEMPLATE_BY_STEP[StepKind.EXECUTION_NOTICE],),),
    EnforcementEvent.STEP_PROPERTY_REPORT_ORDER: ((TEMPLATE_BY_STEP[StepKind.PROPERTY_REPORT_ORDER],),),
    # Closing and restoring (执行工作规定 2020 art. 64; 民事诉讼法 2023 art. 268; 终本规定 2016 arts. 6, 9)
    EnforcementEvent.CLOSED: (("closing_notice",),),
    EnforcementEvent.ZHONGBEN_RULING_ISSUED: (("ruling_terminate_current",),),
    EnforcementEvent.TERMINATION_RULING_ISSUED: (("ruling_terminate",),),
    EnforcementEvent.RESTORE_NOTICE_ISSUED: (("restore_notice",),),
    # Case funds: the approval of a payout issues its 执行款发放审批表, the payment instruction
    # finance sends to the bank (执行款物管理规定 法发〔2017〕6号); not served on the parties.
    LedgerEvent.PAYOUT_APPROVED: ((PAYOUT_INSTRUCTION,),),
}


def act_templates() -> set[str]:
    """Every template code the table names."""
    return {code for slots in ACT_DOCUMENTS.values() for slot in slots for code in slot}
