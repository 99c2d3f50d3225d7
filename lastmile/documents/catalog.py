# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""The built-in document templates (court format, in Chinese), loaded as version 1 of each template.

Court admins edit a template by saving a new version (see :mod:`lastmile.documents.services`);
the text here is only the starting point. Every template lists the case-independent elements a
caller must supply (``required``) and sample values used by tests, the demo and the bench.

Legal references printed in the texts follow the 2023 Civil Procedure Law numbering (CPL 2023;
see docs/law.md): 执行通知 art. 251, 报告财产 art. 252, 冻结/扣划 art. 253, 扣留提取收入 art. 254,
查封/扣押/拍卖 arts. 255 and 258, 迟延履行利息 art. 264, 限制出境/征信 art. 266, 终结执行
art. 268, 拘传 art. 112 with 民诉解释 art. 482, 罚款/拘留 arts. 114, 118 and 119.
"""

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


_ENF_PARTIES = """{% for p in applicants %}
< 申请执行人：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
{% for p in respondents %}
< 被执行人：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
"""

_COURT_SIGN = """---
> {{ court.name }}
> {{ doc.date|cn_date }}
[[seal]]
"""

_RULING_SIGN = """---
> 审判员　{{ officer.name }}
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

TEMPLATES: list[TemplateSpec] = [
    TemplateSpec(
        code="acceptance_notice",
        name="受理案件通知书",
        title="受理案件通知书",
        kind="notice",
        body="""{% for p in applicants %}
< {{ p.name }}：
{% endfor %}
你（你单位）申请执行{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，申请执行的依据为{{ source_document }}。经审查，符合法定受理条件，本院决定立案执行。现将有关事项通知如下：
< 一、本案案号为{{ case.number }}，承办人{{ officer.name }}，联系电话{{ court.phone }}。
< 二、你（你单位）应当向本院提供被执行人的财产线索，本院自收到之日起七日内进行核查。
< 三、本案执行期限为立案之日起六个月；执行中发生的申请执行费由被执行人负担。
< 四、你（你单位）的送达地址如有变更，应当及时书面告知本院。
"""
        + _COURT_SIGN,
        required=("source_document",),
        sample={"source_document": _SOURCE["source_document"]},
    ),
    TemplateSpec(
        code="enforcement_notice",
        name="执行通知书",
        title="执行通知书",
        kind="notice",
        body="""{% for p in respondents %}
< {{ p.name }}：
{% endfor %}
{{ applicants|map(attribute='name')|join('、') }}与你（你单位）{{ case.cause }}一案，{{ source_document }}已经发生法律效力。申请执行人于{{ applied_on|cn_date }}向本院申请强制执行，本院于{{ case.filed_on|cn_date }}依法立案执行。依照《中华人民共和国民事诉讼法》第二百五十一条、第二百六十四条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十条的规定，责令你（你单位）自收到本通知之日起立即履行下列义务：
< 一、支付欠款本金人民币{{ principal|money }}元；
< 二、支付利息人民币{{ interest|money }}元（暂计至立案之日）；
< 三、负担申请执行费人民币{{ fee|money }}元；
< 以上合计人民币**{{ total|money }}元**，以及迟延履行期间的加倍部分债务利息。
"""
        + _RISK
        + _ACCOUNT
        + "< 承办人：{{ officer.name }}　联系电话：{{ court.phone }}\n"
        + _COURT_SIGN,
        required=("source_document", "applied_on", "principal", "interest", "fee", "total", "account"),
        sample={**_SOURCE, **_OWED, "account": _SAMPLE_ACCOUNT},
    ),
    TemplateSpec(
        code="property_report_order",
        name="报告财产令",
        title="报告财产令",
        kind="order",
        body="""{% for p in respondents %}
< {{ p.name }}：
{% endfor %}
本院受理的{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与你（你单位）{{ case.cause }}一案，依照《中华人民共和国民事诉讼法》第二百五十二条和《最高人民法院关于民事执行中财产调查若干问题的规定》第三条至第七条的规定，责令你（你单位）在收到本令后{{ report_days|default(5) }}日内，如实向本院报告当前以及收到执行通知之日前一年的财产情况：
< 一、收入、银行存款、现金、理财产品、有价证券；
< 二、土地使用权、房屋等不动产；
< 三、交通运输工具、机器设备、产品、原材料等动产；
< 四、债权、股权、投资权益、基金份额、信托受益权、知识产权等财产性权利；
< 五、其他应当报告的财产。
报告期间或者报告后财产情况发生变动的，应当自变动之日起十日内向本院补充报告。拒绝报告或者虚假报告的，本院将根据情节轻重予以罚款、拘留，并纳入失信被执行人名单；构成犯罪的，依法追究刑事责任。
"""
        + _COURT_SIGN,
    ),
    _ruling(
        "ruling_freeze",
        "执行裁定书（冻结）",
        "申请执行人申请冻结被执行人的银行存款。",
        _CPL + "第二百五十三条",
        "冻结被执行人{{ respondents[0].name }}在{{ institution }}的存款人民币{{ amount|money }}元，"
        "冻结期限为一年。",
        {"institution": "中国工商银行长沙岳麓支行", "amount": "91700.50"},
    ),
    _ruling(
        "ruling_deduct",
        "执行裁定书（扣划）",
        "被执行人在{{ institution }}的存款已经本院依法冻结。",
        _CPL + "第二百五十三条",
        "扣划被执行人{{ respondents[0].name }}在{{ institution }}的存款人民币{{ amount|money }}元。",
        {"institution": "中国工商银行长沙岳麓支行", "amount": "91700.50"},
    ),
    _ruling(
        "ruling_seal_up",
        "执行裁定书（查封）",
        "经查，被执行人名下有不动产可供执行。",
        _CPL + "第二百五十五条",
        "查封被执行人{{ respondents[0].name }}名下位于{{ property }}的房产，查封期限为三年。",
        {
            "property": "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室（不动产权证号湘（2020）长沙市不动产权第0012345号）"
        },
    ),
    _ruling(
        "ruling_distrain",
        "执行裁定书（扣押）",
        "经查，被执行人名下有机动车可供执行。",
        _CPL + "第二百五十五条",
        "扣押被执行人{{ respondents[0].name }}所有的{{ vehicle }}，扣押期限为二年。",
        {"vehicle": "湘A12345号小型轿车（车辆识别代号LSGPC52U7BF012345）"},
    ),
    _ruling(
        "ruling_auction",
        "执行裁定书（拍卖）",
        "本院已依法查封{{ property }}，被执行人在指定期间内仍未履行义务。",
        _CPL + "第二百五十八条和《最高人民法院关于人民法院网络司法拍卖若干问题的规定》第二条",
        "在网络司法拍卖平台公开拍卖被执行人{{ respondents[0].name }}所有的{{ property }}。",
        {"property": "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室房产"},
    ),
    _ruling(
        "ruling_terminate_current",
        "执行裁定书（终结本次执行程序）",
        "本案执行中，本院已向被执行人发出执行通知书、报告财产令，对被执行人采取了限制消费措施，"
        "并通过网络执行查控系统查询了被执行人的存款、车辆、不动产、证券等财产，{{ findings }}。"
        "申请执行人已知悉本院的执行措施及查询结果。",
        "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第五百一十七条和"
        "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第一条",
        "终结本次执行程序。\n申请执行人发现被执行人有可供执行财产的，可以再次申请执行，"
        "再次申请不受申请执行时效期间的限制。\n终结本次执行程序后，被执行人应当继续履行义务，"
        "限制消费措施及失信被执行人名单措施继续有效。",
        {"findings": "未发现可供执行的财产"},
    ),
    _ruling(
        "ruling_terminate",
        "执行裁定书（终结执行）",
        "{{ reason }}。",
        _CPL + "第二百六十八条第{{ item }}项",
        "终结本院{{ source_document }}的执行。",
        {"reason": "申请执行人于执行中书面撤回执行申请", "item": "一"},
    ),
    _ruling(
        "ruling_non_enforcement",
        "执行裁定书（不予执行）",
        "被执行人申请不予执行，本院经审查认为，{{ reason }}。",
        _CPL + "第{{ article }}条",
        "不予执行{{ source_document }}。",
        {"reason": "作为执行依据的公证债权文书确有错误", "article": "二百四十九"},
    ),
    TemplateSpec(
        code="assistance_notice",
        name="协助执行通知书",
        title="协助执行通知书",
        kind="notice",
        body="""< {{ institution }}：
关于{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，本院{{ ruling_number }}执行裁定书已经发生法律效力。依照《中华人民共和国民事诉讼法》第二百五十三条的规定，请协助执行下列事项：
{{ request }}
| 被执行人 | {{ respondents[0].name }} |
| 证件号码 | {{ respondents[0].id_number }} |
| 账号或财产 | {{ target }} |
| 金额（元） | {{ amount|money }} |
< 附：执行裁定书一份。
< 经办人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("institution", "ruling_number", "request", "target", "amount"),
        sample={
            "institution": "中国工商银行长沙岳麓支行",
            "ruling_number": "（2025）湘0104执12号",
            "request": "冻结被执行人在你行的存款，冻结期限一年，自冻结之日起计算。",
            "target": "6222020123456789012",
            "amount": "91700.50",
        },
    ),
    TemplateSpec(
        code="consumption_restriction_order",
        name="限制消费令",
        title="限制消费令",
        kind="order",
        body="""{% for p in respondents %}
< {{ p.name }}：
{% endfor %}
本院于{{ case.filed_on|cn_date }}立案执行申请执行人{{ applicants|map(attribute='name')|join('、') }}申请执行你（你单位）{{ case.cause }}一案。因你（你单位）未按执行通知书指定的期间履行生效法律文书确定的给付义务，依照《中华人民共和国民事诉讼法》第二百六十六条和《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第一条、第三条的规定，对你（你单位）采取限制消费措施，限制你（你单位）及{{ restricted_persons|default('你单位的法定代表人、主要负责人、影响债务履行的直接责任人员、实际控制人') }}不得实施以下高消费及非生活和工作必需的消费行为：
< （一）乘坐交通工具时，选择飞机、列车软卧、轮船二等以上舱位；
< （二）在星级以上宾馆、酒店、夜总会、高尔夫球场等场所进行高消费；
< （三）购买不动产或者新建、扩建、高档装修房屋；
< （四）租赁高档写字楼、宾馆、公寓等场所办公；
< （五）购买非经营必需车辆；
< （六）旅游、度假；
< （七）子女就读高收费私立学校；
< （八）支付高额保费购买保险理财产品；
< （九）乘坐G字头动车组列车全部座位、其他动车组列车一等以上座位等其他非生活和工作必需的消费行为。
如违反本限制消费令，本院将依照《中华人民共和国民事诉讼法》第一百一十四条的规定予以罚款、拘留；情节严重，构成犯罪的，依法追究刑事责任。因私消费以个人财产实施前述规定行为的，可以向本院提出申请，经本院审查属实的，予以准许。
> 院长　{{ president }}
"""
        + _COURT_SIGN,
        required=("president",),
        sample={"president": "袁正"},
    ),
    TemplateSpec(
        code="dishonest_decision",
        name="失信决定书",
        title="决定书",
        kind="decision",
        series="决定书",
        body=_ENF_PARTIES
        + """本院在执行{{ case.number }}一案中，{{ source_document }}已经发生法律效力。被执行人{{ ground }}。依照《中华人民共和国民事诉讼法》第二百六十六条和《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第{{ ground_item }}项、第二条的规定，决定如下：
将被执行人{{ respondents|map(attribute='name')|join('、') }}纳入失信被执行人名单{% if period %}，期限为{{ period }}{% endif %}。
被执行人认为将其纳入失信被执行人名单错误的，可以向本院申请纠正。
本决定一经作出即生效。
"""
        + _COURT_SIGN,
        required=("source_document", "ground", "ground_item"),
        sample={
            "source_document": _SOURCE["source_document"],
            "ground": "有履行能力而拒不履行生效法律文书确定的义务",
            "ground_item": "一",
            "period": "二年",
        },
    ),
    TemplateSpec(
        code="summons_warrant",
        name="拘传票",
        title="拘传票",
        kind="order",
        body="""| 案号 | {{ case.number }} |
| 案由 | {{ case.cause }} |
| 被拘传人 | {{ person.name }} |
| 性别 | {{ person.sex }} |
| 身份证号码 | {{ person.id_number }} |
| 住址 | {{ person.address }} |
| 拘传事由 | {{ reason }} |
| 应到时间 | {{ appear_at }} |
| 应到处所 | {{ place }} |
依照《中华人民共和国民事诉讼法》第一百一十二条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十二条的规定，经本院院长批准，对被拘传人予以拘传。调查询问的时间不得超过八小时；情况复杂，依法可能采取拘留措施的，不得超过二十四小时。
> 院长　{{ president }}
"""
        + _COURT_SIGN
        + "< 执行人员：{{ officer.name }}\n",
        required=("reason", "appear_at", "place", "president"),
        sample={
            "reason": "经两次传唤无正当理由拒不到场接受调查询问",
            "appear_at": "二〇二五年三月十日上午九时",
            "place": "本院执行局第三接待室",
            "president": "袁正",
        },
    ),
    TemplateSpec(
        code="fine_decision",
        name="罚款决定书",
        title="罚款决定书",
        kind="decision",
        series="罚款决定书",
        body="""< 被罚款人：{{ person.desc }}
本院在执行{{ case.number }}{{ case.cause }}一案中，查明被罚款人{{ facts }}。本院认为，被罚款人的上述行为妨害了民事诉讼，依照《中华人民共和国民事诉讼法》第一百一十四条、第一百一十八条第一款、第一百一十九条的规定，经本院院长批准，决定如下：
对{{ person.name }}罚款人民币**{{ amount|money }}元**，限于{{ pay_by|cn_date }}前交纳。
如不服本决定，可以在收到决定书之日起三日内，口头或者书面向{{ higher_court }}申请复议一次。复议期间，不停止本决定的执行。
"""
        + _COURT_SIGN,
        required=("facts", "amount", "pay_by", "higher_court"),
        sample={
            "facts": "拒不报告财产情况，经本院责令仍拒不报告",
            "amount": "10000.00",
            "pay_by": "2025-03-20",
            "higher_court": "湖南省长沙市中级人民法院",
        },
    ),
    TemplateSpec(
        code="detention_decision",
        name="拘留决定书",
        title="拘留决定书",
        kind="decision",
        series="拘留决定书",
        body="""< 被拘留人：{{ person.desc }}
本院在执行{{ case.number }}{{ case.cause }}一案中，查明被拘留人{{ facts }}。本院认为，被拘留人的上述行为妨害了民事诉讼，依照《中华人民共和国民事诉讼法》第一百一十四条、第一百一十八条第一款、第一百一十九条的规定，经本院院长批准，决定如下：
对{{ person.name }}拘留**{{ days }}日**，由{{ custody }}执行。
如不服本决定，可以在收到决定书之日起三日内，口头或者书面向{{ higher_court }}申请复议一次。复议期间，不停止本决定的执行。
"""
        + _COURT_SIGN,
        required=("facts", "days", "custody", "higher_court"),
        sample={
            "facts": "有履行能力而拒不履行生效判决，并转移名下车辆",
            "days": "十五",
            "custody": "长沙市公安局拘留所",
            "higher_court": "湖南省长沙市中级人民法院",
        },
    ),
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
        code="mediation_statement",
        name="民事调解书",
        title="民事调解书",
        kind="mediation",
        body="""{% for p in plaintiffs %}
< 原告：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
{% for p in defendants %}
< 被告：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
原告{{ plaintiffs|map(attribute='name')|join('、') }}与被告{{ defendants|map(attribute='name')|join('、') }}{{ case.cause }}一案，本院于{{ case.filed_on|cn_date }}立案。{{ claims }}
本案审理过程中，经本院主持调解，双方当事人自愿达成如下协议：
{% for term in terms %}
< {{ loop.index|cn_num }}、{{ term }}
{% endfor %}
案件受理费人民币{{ court_fee|money }}元，减半收取人民币{{ court_fee_half|money }}元，由被告负担。
上述协议，不违反法律规定，本院予以确认。
本调解书经双方当事人签收后，即具有法律效力。
---
> 审判员　{{ officer.name }}
> {{ doc.date|cn_date }}
[[seal]]
> 书记员　{{ clerk|default('') }}
""",
        required=("claims", "terms", "court_fee", "court_fee_half"),
        sample={
            "claims": "原告请求判令被告偿还借款本金人民币86,000.00元及利息。",
            "terms": [
                "被告于二〇二五年四月三十日前向原告偿还借款本金人民币86,000.00元及利息人民币3,000.00元；",
                "如被告未按期足额履行上述款项，原告有权就全部未付款项申请强制执行。",
            ],
            "court_fee": "1950.00",
            "court_fee_half": "975.00",
        },
    ),
    TemplateSpec(
        code="judicial_confirmation_ruling",
        name="司法确认裁定书",
        title="民事裁定书",
        kind="ruling",
        series="民事裁定书",
        body="""{% for p in claimants %}
< 申请人：{{ p.desc }}
{% endfor %}
{% for p in counterparties %}
< 申请人：{{ p.desc }}
{% endfor %}
申请人{{ (claimants + counterparties)|map(attribute='name')|join('、') }}于{{ agreed_on|cn_date }}经{{ mediator }}主持调解，达成了如下调解协议：{{ agreement }}
{{ applied_on|cn_date }}，申请人共同向本院申请司法确认。本院受理后，依法指定审判员进行了审查。
本院经审查认为，申请人达成的调解协议，符合司法确认调解协议的法定条件。依照《中华人民共和国民事诉讼法》第二百零五条、第二百零六条的规定，裁定如下：
申请人{{ (claimants + counterparties)|map(attribute='name')|join('、') }}于{{ agreed_on|cn_date }}经{{ mediator }}主持调解达成的调解协议有效。
当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行。
"""
        + _RULING_SIGN,
        required=("agreed_on", "mediator", "agreement", "applied_on"),
        sample={
            "agreed_on": "2025-02-10",
            "mediator": "岳麓区诉前调解中心",
            "agreement": "被申请方于二〇二五年三月三十一日前一次性偿还借款本金人民币50,000.00元。",
            "applied_on": "2025-02-12",
        },
    ),
    TemplateSpec(
        code="loan_judgment",
        name="民事判决书（金融借款合同纠纷）",
        title="民事判决书",
        kind="judgment",
        body="""{% for p in plaintiffs %}
< 原告：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
{% for p in defendants %}
< 被告：{{ p.desc }}
{% endfor %}
原告{{ plaintiffs|map(attribute='name')|join('、') }}与被告{{ defendants|map(attribute='name')|join('、') }}金融借款合同纠纷一案，本院于{{ case.filed_on|cn_date }}立案后，依法适用简易程序，公开开庭进行了审理。本案现已审理终结。
原告向本院提出诉讼请求：{{ claims }}
本院经审理认定事实如下：{{ facts }}
本院认为，原、被告签订的借款合同系双方真实意思表示，内容不违反法律、行政法规的强制性规定，合法有效。原告依约发放了贷款，被告未按约定偿还借款本息，构成违约，应当承担继续履行、支付逾期利息等违约责任。依照《中华人民共和国民法典》第六百六十七条、第六百七十四条、第六百七十五条、第六百七十六条，《中华人民共和国民事诉讼法》第六十七条的规定，判决如下：
< 一、被告{{ defendants|map(attribute='name')|join('、') }}于本判决生效之日起十日内偿还原告借款本金人民币{{ principal|money }}元；
< 二、被告于本判决生效之日起十日内支付原告截至{{ interest_until|cn_date }}的利息、罚息人民币{{ interest|money }}元，此后的罚息以未还本金为基数按合同约定利率计付至实际清偿之日止。
如果未按本判决指定的期间履行给付金钱义务，应当依照《中华人民共和国民事诉讼法》第二百六十四条之规定，加倍支付迟延履行期间的债务利息。
案件受理费人民币{{ court_fee|money }}元，减半收取，由被告负担。
如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，并按对方当事人的人数提出副本，上诉于{{ higher_court }}。
---
> 审判员　{{ officer.name }}
> {{ doc.date|cn_date }}
[[seal]]
> 书记员　{{ clerk|default('') }}
""",
        required=("claims", "facts", "principal", "interest", "interest_until", "court_fee", "higher_court"),
        sample={
            "claims": "1.判令被告偿还借款本金人民币86,000.00元及利息、罚息；2.本案诉讼费用由被告负担。",
            "facts": "2023年5月10日，原、被告签订《个人消费贷款合同》，约定借款金额100,000.00元，"
            "期限24个月。原告依约放款后，被告自2024年6月起未按期还款。",
            "principal": "86000.00",
            "interest": "4320.50",
            "interest_until": "2025-02-20",
            "court_fee": "1950.00",
            "higher_court": "湖南省长沙市中级人民法院",
        },
    ),
]

TEMPLATES_BY_CODE: dict[str, TemplateSpec] = {t.code: t for t in TEMPLATES}
