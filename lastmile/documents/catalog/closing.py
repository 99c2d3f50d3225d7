# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Settlement, closing, service and the amount owed: 执行和解协议, 结案通知书, 送达回证, 计算明细 and
恢复执行通知书."""

from __future__ import annotations

from .common import _COURT_SIGN, _ENF_PARTIES, TemplateSpec

CLOSING: list[TemplateSpec] = [
    TemplateSpec(
        code="settlement_agreement",
        name="执行和解协议",
        title="执行和解协议",
        kind="agreement",
        body=_ENF_PARTIES
        + """申请执行人与被执行人{{ case.cause }}一案（案号{{ case.number }}），经双方自愿协商，根据《最高人民法院关于执行和解若干问题的规定》第一条的规定，达成如下和解协议：
{% for term in terms %}
< {{ loop.index|cn_num }}、{{ term }}
{% endfor %}
被执行人不履行或者不完全履行本协议的，申请执行人可以申请恢复执行原生效法律文书，也可以就履行本协议向人民法院提起诉讼；已履行部分应当扣除。
本协议自双方签字之日起生效，一式三份，双方各执一份，交本院一份附卷。
---
> 申请执行人（签字）：
> 被执行人（签字）：
> {{ doc.date|cn_date }}
""",
        required=("terms",),
        sample={
            "terms": [
                "被执行人于二〇二五年三月三十一日前支付人民币30,000.00元；",
                "余款人民币61,700.50元自二〇二五年四月起每月二十日前支付人民币10,000.00元，至付清为止；",
                "申请执行人放弃加倍部分债务利息。",
            ]
        },
    ),
    TemplateSpec(
        code="closing_notice",
        name="结案通知书",
        title="结案通知书",
        kind="notice",
        body="""{% for p in applicants + respondents %}
< {{ p.name }}：
{% endfor %}
本院执行的{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，{{ outcome }}，本案以“{{ closing_method }}”方式结案。
特此通知。
"""
        + _COURT_SIGN,
        required=("outcome", "closing_method"),
        sample={"outcome": "被执行人已履行全部义务，执行款已发放申请执行人", "closing_method": "执行完毕"},
    ),
    TemplateSpec(
        code="service_receipt",
        name="送达回证",
        title="送达回证",
        kind="receipt",
        body="""| 案号 | {{ case.number }} |
| 案由 | {{ case.cause }} |
| 送达文书 | {{ served_documents }} |
| 受送达人 | {{ recipient.name }} |
| 送达地址 | {{ recipient.service_address or recipient.address }} |
| 送达方式 | {{ method }} |
| 受送达人签收 |  |
| 签收日期 |  |
| 代收人及代收理由 |  |
| 送达人 | {{ officer.name }} |
| 备注 |  |
"""
        + _COURT_SIGN,
        required=("served_documents", "method"),
        sample={"served_documents": "执行通知书、报告财产令、限制消费令", "method": "直接送达"},
    ),
    TemplateSpec(
        code="calculation_statement",
        name="计算明细",
        title="执行款项计算明细",
        kind="statement",
        body="""< 案号：{{ case.number }}
< 申请执行人：{{ applicants|map(attribute='name')|join('、') }}
< 被执行人：{{ respondents|map(attribute='name')|join('、') }}
< 计算截止日：{{ as_of|cn_date }}
| **项目** | **起算日** | **截止日** | **天数** | **基数（元）** | **金额（元）** |
{% for row in rows %}
| {{ row.item }} | {{ row.start }} | {{ row.end }} | {{ row.days }} | {{ row.base|money }} | {{ row.amount|money }} |
{% endfor %}
| **合计** |  |  |  |  | **{{ total|money }}** |
加倍部分债务利息 = 尚未清偿的生效法律文书确定的除一般债务利息之外的金钱债务 × 日万分之一点七五 × 迟延履行期间（《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释》第一条）。
"""
        + _COURT_SIGN,
        required=("as_of", "rows", "total"),
        sample={
            "as_of": "2025-03-03",
            "rows": [
                {
                    "item": "本金",
                    "start": "",
                    "end": "",
                    "days": "",
                    "base": "86000.00",
                    "amount": "86000.00",
                },
                {
                    "item": "一般债务利息",
                    "start": "2024-06-01",
                    "end": "2025-02-20",
                    "days": "264",
                    "base": "86000.00",
                    "amount": "4320.50",
                },
                {
                    "item": "加倍部分债务利息",
                    "start": "2024-12-16",
                    "end": "2025-03-03",
                    "days": "78",
                    "base": "86000.00",
                    "amount": "1173.90",
                },
                {"item": "申请执行费", "start": "", "end": "", "days": "", "base": "", "amount": "1380.00"},
            ],
            "total": "92874.40",
        },
    ),
    TemplateSpec(
        code="restore_notice",
        name="恢复执行通知书",
        title="恢复执行通知书",
        kind="notice",
        body="""{% for p in applicants + respondents %}
< {{ p.name }}：
{% endfor %}
本院执行的{{ original_number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，{{ reason }}。依照{{ basis }}的规定，本院决定恢复执行，恢复执行案号为{{ case.number }}。
被执行人应当自收到本通知之日起立即履行生效法律文书确定的义务，尚未履行的金额为人民币{{ remaining|money }}元（本金、利息、费用分别计算，迟延履行期间的加倍部分债务利息继续计算）。
特此通知。
"""
        + _COURT_SIGN,
        required=("original_number", "reason", "basis", "remaining"),
        sample={
            "original_number": "（2024）湘0104执1234号",
            "reason": "终结本次执行程序后，申请执行人提供了被执行人可供执行的财产线索，经核查属实",
            "basis": "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第九条",
            "remaining": "61700.50",
        },
    ),
]
