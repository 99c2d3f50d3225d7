# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Disposal before the sale and the other ways money is taken: the reference price (询价函, 评估委托书,
参考价通知书, the decision on an objection; 确定财产处置参考价规定 2018), the 扣押 of a movable with its
custody (民事诉讼法 2023 art. 255), withholding income through the employer (art. 254), the
履行到期债务通知书 to a third party and its enforcement (执行工作规定 2020 arts. 45, 49), and the
轮候查封 (查封规定 2020 art. 26)."""

from __future__ import annotations

from .common import _COURT_SIGN, _CPL, TemplateSpec, _ruling

_PRICE_RULES = "《最高人民法院关于人民法院确定财产处置参考价若干问题的规定》"
_WORK_RULES = "《最高人民法院关于人民法院执行工作若干问题的规定（试行）》"
_SEIZURE_RULES = "《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》"

VALUATION: list[TemplateSpec] = [
    TemplateSpec(
        code="valuation_inquiry_letter",
        name="询价函",
        title="询价函",
        kind="notice",
        body="""< {{ addressee }}：
本院在执行{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案中，需对被执行人的{{ property }}确定财产处置参考价。依照"""
        + _PRICE_RULES
        + """{{ articles }}的规定，请你单位以{{ method_label }}方式对上述财产出具询价结果，并于{{ due }}前回复本院。
< 经办人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("addressee", "property", "method_label", "articles", "due"),
        sample={
            "addressee": "长沙市岳麓区税务局",
            "property": "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室房产",
            "method_label": "定向询价",
            "articles": "第五条、第六条",
            "due": "2026-12-08",
        },
    ),
    TemplateSpec(
        code="valuation_commission",
        name="评估委托书",
        title="委托评估书",
        kind="notice",
        body="""< {{ firm }}：
本院在执行{{ case.number }}一案中，需对被执行人{{ respondents|map(attribute='name')|join('、') }}的{{ property }}确定财产处置参考价。评估机构经{{ chosen_by }}确定，依照"""
        + _PRICE_RULES
        + """第十四条、第十六条、第十九条的规定，委托你机构进行评估，请于{{ due }}前出具评估报告。不能按期出具的，应当在期限届满五日前书面申请延长期限。
< 评估费用由申请执行人预交，最终由被执行人负担。
"""
        + _COURT_SIGN,
        required=("firm", "property", "chosen_by", "due"),
        sample={
            "firm": "湖南某资产评估有限公司",
            "property": "摊铺机一台",
            "chosen_by": "摇号",
            "due": "2027-01-04",
        },
    ),
    TemplateSpec(
        code="valuation_result_notice",
        name="财产处置参考价通知书",
        title="通知书",
        kind="notice",
        body="""{% for p in applicants + respondents %}
< {{ p.name }}：
{% endfor %}
本院在执行{{ case.number }}一案中，对被执行人的{{ property }}以{{ method_label }}方式确定财产处置参考价为人民币{{ price|money }}元（{{ source }}）。该参考价自{{ priced_on }}起一年内有效，有效期至{{ valid_until }}（"""
        + _PRICE_RULES
        + """第二十七条）。
{{ objection_text }}
"""
        + _COURT_SIGN,
        required=(
            "property",
            "method_label",
            "price",
            "source",
            "priced_on",
            "valid_until",
            "objection_text",
        ),
        sample={
            "property": "长沙市岳麓区某小区房产",
            "method_label": "定向询价",
            "price": "880000.00",
            "source": "长沙市岳麓区税务局计税基准价",
            "priced_on": "2026-12-08",
            "valid_until": "2027-12-08",
            "objection_text": "当事人对定向询价结果提出异议的，人民法院不予受理（第二十四条）。",
        },
    ),
    _ruling(
        "valuation_objection_ruling",
        "执行裁定书（参考价异议）",
        "{{ objector }}于{{ filed_on }}对本院确定的{{ property }}参考价提出异议，理由为：{{ grounds }}。",
        _PRICE_RULES + "第二十二条、第二十三条",
        "{{ outcome }}",
        {
            "objector": "张某",
            "filed_on": "2026-12-10",
            "property": "摊铺机一台",
            "grounds": "评估报告遗漏设备附件",
            "outcome": "驳回异议。",
        },
    ),
    _ruling(
        "ruling_distrain_movable",
        "执行裁定书（扣押动产）",
        "经查，被执行人有{{ property }}可供执行。",
        _CPL + "第二百五十五条和" + _SEIZURE_RULES + "第一条",
        "扣押被执行人{{ debtor|default(respondents[0].name) }}所有的{{ property }}，扣押期限为二年。扣押物由{{ custodian }}于{{ place }}保管{% if assisting is defined and assisting %}，{{ assisting }}协助执行{% endif %}。",
        {"property": "摊铺机一台（型号SAP90）", "custodian": "申请执行人", "place": "马鞍山市某停车场"},
    ),
    _ruling(
        "ruling_withhold_income",
        "执行裁定书（扣留、提取收入）",
        "经查，被执行人在{{ employer }}领取收入。",
        _CPL + "第二百五十四条",
        "扣留、提取被执行人{{ debtor|default(respondents[0].name) }}在{{ employer }}的收入，每月人民币{{ monthly_amount|money }}元，至人民币{{ total|money }}元止；每月为被执行人及其所扶养家属保留生活必需费用人民币{{ retained|money }}元。",
        {
            "employer": "长沙某物流有限公司",
            "monthly_amount": "3200.00",
            "total": "41000.00",
            "retained": "2790.00",
        },
    ),
    TemplateSpec(
        code="income_assistance_notice",
        name="协助执行通知书（扣留、提取收入）",
        title="协助执行通知书",
        kind="notice",
        body="""< {{ employer }}：
关于{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，本院{{ ruling_number }}执行裁定书已经发生法律效力。依照《中华人民共和国民事诉讼法》第二百五十四条的规定，请你单位自收到本通知之日起，每月从被执行人{{ debtor }}的收入中扣留人民币{{ monthly_amount|money }}元并汇入本院执行款专户，至人民币{{ total|money }}元止；每月应当为被执行人及其所扶养家属保留生活必需费用人民币{{ retained|money }}元。你单位收到本通知后擅自向被执行人支付的，应当追回；不能追回的，在支付的数额内承担责任。
< 附：执行裁定书一份。
< 经办人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("employer", "ruling_number", "debtor", "monthly_amount", "total", "retained"),
        sample={
            "employer": "长沙某物流有限公司",
            "ruling_number": "（2026）湘0104执12号之一",
            "debtor": "张某",
            "monthly_amount": "3200.00",
            "total": "41000.00",
            "retained": "2790.00",
        },
    ),
    _ruling(
        "ruling_income_release",
        "执行裁定书（解除扣留、提取收入）",
        "本院曾裁定扣留、提取被执行人在{{ employer }}的收入。{{ reason }}",
        _CPL + "第二百五十四条和《最高人民法院关于在执行工作中进一步强化善意文明执行理念的意见》",
        "解除对被执行人{{ debtor|default(respondents[0].name) }}在{{ employer }}收入的扣留、提取。",
        {"employer": "长沙某物流有限公司", "reason": "为保障被执行人及其家属的基本生活。"},
    ),
    TemplateSpec(
        code="third_party_performance_notice",
        name="履行到期债务通知书",
        title="履行到期债务通知书",
        kind="notice",
        body="""< {{ third_party }}：
本院在执行{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ debtor }}{{ case.cause }}一案中，经申请，查明你（你单位）对被执行人负有到期债务人民币{{ amount|money }}元。依照"""
        + _WORK_RULES
        + """第四十五条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百九十九条的规定，通知如下：
一、你（你单位）应当在收到本通知后十五日内向申请执行人履行上述债务，不得向被执行人清偿；
二、你（你单位）对到期债务有异议的，应当在收到本通知后十五日内向本院提出；
三、你（你单位）在上述期限内既不履行又不提出异议的，本院有权裁定对你（你单位）强制执行；
四、你（你单位）收到本通知后向被执行人清偿的，在已清偿的范围内与被执行人承担连带清偿责任。
"""
        + _COURT_SIGN,
        required=("third_party", "debtor", "amount"),
        sample={"third_party": "马鞍山某路桥工程有限公司", "debtor": "张某", "amount": "120000.00"},
    ),
    _ruling(
        "ruling_enforce_third_party",
        "执行裁定书（对第三人强制执行）",
        "本院于{{ served_on }}向第三人{{ third_party }}送达履行到期债务通知书，第三人在指定期限内{{ conduct }}。",
        _WORK_RULES + "第四十九条",
        "对第三人{{ third_party }}强制执行，执行数额为人民币{{ amount|money }}元。",
        {
            "served_on": "2026-12-08",
            "third_party": "马鞍山某路桥工程有限公司",
            "conduct": "既未履行也未提出异议",
            "amount": "120000.00",
        },
    ),
    _ruling(
        "ruling_waiting_seizure",
        "执行裁定书（轮候查封）",
        "经查，被执行人的{{ property }}已被{{ ahead }}查封。",
        _CPL + "第二百五十五条和" + _SEIZURE_RULES + "第二十六条",
        "轮候查封被执行人{{ debtor|default(respondents[0].name) }}的{{ property }}。在先的查封解除后，本轮候查封自动生效。",
        {"property": "长沙市岳麓区某小区房产", "ahead": "长沙市天心区人民法院"},
    ),
]
