"""What the templates share: :class:`TemplateSpec`, the recurring blocks of court prose (parties,
signature, risk notice, case-money account), the sample values, and the builder of an
enforcement ruling (执行裁定书)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    name: str
    title: str
    kind: str
    body: str
    required: tuple[str, ...] = ()
    sample: dict[str, Any] = field(default_factory=dict)
    series: str = ""
    """Documents of one series in one case are numbered 案号, 案号之一, 案号之二 … (rulings)."""


def party_lines(label: str, key: str) -> str:
    """The court-format lines of one side: ``<label>：<identity>`` per party of ``key`` — a guarantor
    as ``<label>（连带责任保证人）：…`` — each organisation followed by its ``法定代表人：`` or
    ``负责人：`` line (see :func:`lastmile.documents.context.party_context`)."""
    return (
        "{% for p in " + key + " %}\n"
        "< " + label + "{% if p.capacity|default('') %}（{{ p.capacity }}）{% endif %}：{{ p.desc }}\n"
        "{% if p.rep %}< {{ p.rep }}\n"
        "{% endif %}\n"
        "{% endfor %}\n"
    )


_ENF_PARTIES = party_lines("申请执行人", "applicants") + party_lines("被执行人", "respondents")

_COURT_SIGN = """---
> {{ court.name }}
> {{ doc.date|cn_date }}
[[seal]]
"""

_RULING_SIGN = """---
> {{ officer.title|default('审判员') }}　{{ officer.name }}
> {{ doc.date|cn_date }}
[[seal]]
> 书记员　{{ clerk|default('') }}
"""

_RISK = """## 风险提示
一、被执行人未按本通知指定的期间履行给付金钱义务的，应当依照《中华人民共和国民事诉讼法》第二百六十四条的规定，加倍支付迟延履行期间的债务利息（按日万分之一点七五计算）。
二、被执行人有履行能力而拒不履行生效法律文书确定义务，或者拒不报告、虚假报告财产的，本院将依法将其纳入失信被执行人名单，并限制高消费及非生活和工作必需的消费行为。
三、拒不履行人民法院已经发生法律效力的判决、裁定，情节严重的，依法追究刑事责任。
"""

_ACCOUNT = """## 执行案款账户
| 户名 | {{ account.name }} |
| 开户行 | {{ account.bank }} |
| 账号 | {{ account.number }} |
| 缴款备注 | {{ doc.number }} |
"""

_SAMPLE_ACCOUNT = {
    "name": "长沙市岳麓区人民法院执行款专户",
    "bank": "中国建设银行长沙岳麓支行",
    "number": "43050183633600000123",
}

_SOURCE = {"source_document": "本院（2024）湘0104民初3456号民事判决书", "applied_on": "2025-02-20"}
_OWED = {"principal": "86000.00", "interest": "4320.50", "fee": "1380.00", "total": "91700.50"}

_RULING_HEAD = (
    "本院在执行{{ applicants|map(attribute='name')|join('、') }}与"
    "{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案中，"
    "{{ source_document }}已经发生法律效力，被执行人未按执行通知履行法律文书确定的义务。"
)


def _ruling(
    code: str, name: str, measure: str, basis: str, order: str, extra: dict[str, Any]
) -> TemplateSpec:
    body = (
        _ENF_PARTIES
        + _RULING_HEAD
        + measure
        + "\n依照"
        + basis
        + "的规定，裁定如下：\n"
        + order
        + "\n本裁定送达后立即生效。\n"
        + _RULING_SIGN
    )
    return TemplateSpec(
        code=code,
        name=name,
        title="执行裁定书",
        kind="ruling",
        body=body,
        required=("source_document", *extra.keys()),
        sample={"source_document": _SOURCE["source_document"], **extra},
        series="执行裁定书",
    )


_CPL = "《中华人民共和国民事诉讼法》"
