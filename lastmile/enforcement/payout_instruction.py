"""The payment instruction of an approved payout (执行款发放审批表 / 付款指令), issued for the ledger
through its port (:func:`lastmile.ledger.ports.payout_instruction_issuer`, chosen in
``LASTMILE["FUNDS"]["PAYOUT_INSTRUCTION_ISSUER"]``): the ledger sits beside the documents app and
may not import it; this app sits above both. 最高人民法院关于执行款物管理工作的规定 (法发〔2017〕6号):
money leaves the execution account by transfer, on an approved form."""

from __future__ import annotations

from datetime import datetime

from lastmile.accounts.models import User
from lastmile.core.clock import court_date
from lastmile.documents.services import document_issue
from lastmile.ledger.models import Account, AccountKind, Payout

TEMPLATE = "payout_instruction"


def payout_instruction_issue(*, payout: Payout, actor: User, now: datetime) -> int:
    """Issue the form for ``payout`` (just approved by ``actor``) and return the document's id. The
    court issues it (the leader who approves holds no ``document.issue``): ``actor`` is named in it."""
    case_account = Account.objects.filter(case_id=payout.case_id).first()
    bank = Account.objects.filter(court_id=payout.court_id, kind=AccountKind.BANK, case__isnull=True).first()
    requested_by = payout.requested_by
    document = document_issue(
        case=payout.case,
        template_code=TEMPLATE,
        context={
            "payout": {
                "source_account": bank.name if bank else f"{payout.case.court.name}执行款专户",
                "case_account": case_account.number if case_account else "—",
                "kind": payout.get_kind_display(),
                "payee_name": payout.payee_name,
                "account_name": payout.payee_account_name or payout.payee_name,
                "bank": payout.payee_bank or "—",
                "account": payout.payee_account or "—",
                "account_check": "已校验（银行卡校验位）" if payout.payee_account_checked else "未校验",
                "amount": str(payout.amount),
                "due_on": payout.due_on.isoformat(),
                "requested_by": requested_by.name,
                "requested_on": court_date(payout.requested_at).isoformat(),
                "approved_by": actor.name,
                "approved_on": court_date(now).isoformat(),
                "reference": f"FF-{payout.court_id}-{payout.pk}",
            }
        },
        actor=None,
        now=now,
    )
    return int(document.pk)
