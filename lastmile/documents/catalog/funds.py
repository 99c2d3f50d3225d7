"""Documents of case funds (执行款): the 执行款发放审批表, which on the leader's approval is also the
payment instruction (付款指令) finance sends to the bank with the payee's account (最高人民法院关于
执行款物管理工作的规定, 法发〔2017〕6号: a payout is made by transfer from the execution account on an
approved form). Issued by :mod:`lastmile.enforcement.payout_instruction` when a payout is approved."""

from __future__ import annotations

from .common import _COURT_SIGN, TemplateSpec

FUNDS: list[TemplateSpec] = [
    TemplateSpec(
        code="payout_instruction",
        name="执行款发放审批表（付款指令）",
        title="执行款发放审批表",
        kind="statement",
        body="""< 案号：{{ case.number }}　案由：{{ case.cause }}
| 付款账户 | {{ payout.source_account }}（本案虚拟账号 {{ payout.case_account }}） |
| 发放类型 | {{ payout.kind }} |
| 收款人 | {{ payout.payee_name }} |
| 账户名称 | {{ payout.account_name }} |
| 开户银行 | {{ payout.bank }} |
| 收款账号 | {{ payout.account }}（{{ payout.account_check }}） |
| 金额 | 人民币{{ payout.amount|money }}元 |
| 应发放日 | {{ payout.due_on|cn_date }} |
| 申请 | {{ payout.requested_by }}，{{ payout.requested_on|cn_date }} |
| 审批 | {{ payout.approved_by }}，{{ payout.approved_on|cn_date }}，同意发放 |
| 指令编号 | {{ payout.reference }} |
请财务部门依照《最高人民法院关于执行款物管理工作的规定》，自本院执行款专户以转账方式将上列款项划付至上列收款账户，核对收款人、账户名称、开户银行与账号一致后办理；划付后将银行回单附卷，并在系统中登记银行交易流水号。收款账号标注“未校验”的，系单位银行结算账户等无校验位的账号，请与收款人核实后办理。
"""
        + _COURT_SIGN,
        required=("payout",),
        sample={
            "payout": {
                "source_account": "长沙市岳麓区人民法院执行款专户",
                "case_account": "9990104000001234",
                "kind": "发放申请执行人",
                "payee_name": "长沙银行股份有限公司岳麓支行",
                "account_name": "长沙银行股份有限公司岳麓支行",
                "bank": "长沙银行岳麓支行",
                "account": "800012345678901",
                "account_check": "未校验",
                "amount": "86000.00",
                "due_on": "2025-04-20",
                "requested_by": "财务 张会计",
                "requested_on": "2025-03-20",
                "approved_by": "院长 李院长",
                "approved_on": "2025-03-21",
                "reference": "FF-2025-0001",
            }
        },
    ),
]
