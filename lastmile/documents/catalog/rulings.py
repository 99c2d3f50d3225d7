# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Enforcement rulings (执行裁定书: 冻结, 扣划, 查封, 扣押, 拍卖, 终结本次执行程序, 终结执行, 不予执行)
and the 协助执行通知书 that carries a measure to a third party."""

from __future__ import annotations

from .common import _COURT_SIGN, _CPL, TemplateSpec, _ruling

RULINGS: list[TemplateSpec] = [
    _ruling(
        "ruling_freeze",
        "执行裁定书（冻结）",
        "申请执行人申请冻结被执行人的银行存款。",
        _CPL + "第二百五十三条",
        "冻结被执行人{{ debtor|default(respondents[0].name) }}在{{ institution }}的存款人民币{{ amount|money }}元，"
        "冻结期限为一年。",
        {"institution": "中国工商银行长沙岳麓支行", "amount": "91700.50"},
    ),
    _ruling(
        "ruling_deduct",
        "执行裁定书（扣划）",
        "被执行人在{{ institution }}的存款已经本院依法冻结。",
        _CPL + "第二百五十三条",
        "扣划被执行人{{ debtor|default(respondents[0].name) }}在{{ institution }}的存款人民币{{ amount|money }}元。",
        {"institution": "中国工商银行长沙岳麓支行", "amount": "91700.50"},
    ),
    _ruling(
        "ruling_seal_up",
        "执行裁定书（查封）",
        "经查，被执行人名下有不动产可供执行。",
        _CPL + "第二百五十五条",
        "查封被执行人{{ debtor|default(respondents[0].name) }}名下位于{{ property }}的房产，查封期限为三年。",
        {
            "property": "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室（不动产权证号湘（2020）长沙市不动产权第0012345号）"
        },
    ),
    _ruling(
        "ruling_distrain",
        "执行裁定书（扣押）",
        "经查，被执行人名下有机动车可供执行。",
        _CPL + "第二百五十五条",
        "扣押被执行人{{ debtor|default(respondents[0].name) }}所有的{{ vehicle }}，扣押期限为二年。",
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
    _ruling(
        "ruling_release",
        "执行裁定书（解除查封、扣押、冻结）",
        "本案执行中，本院依法查封、扣押、冻结了被执行人的财产。{{ settlement }}"
        "申请执行人于{{ applied_on|cn_date }}向本院申请解除上述措施。",
        "《最高人民法院关于执行和解若干问题的规定》第三条和"
        "《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》第二十八条",
        "解除对被执行人下列财产的查封、扣押、冻结：\n{{ targets }}",
        {
            "settlement": "双方当事人于2025年3月10日达成执行和解协议，本院已裁定中止执行。",
            "applied_on": "2025-03-12",
            "targets": "中国工商银行长沙岳麓支行账户6222020123456789012内的存款人民币91700.50元",
        },
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
    # Issue K: every control act issues its ruling (网络查控). The 续行 and the 解除 on any ground
    # other than a settlement (ruling_release above), and a freeze of a property right.
    _ruling(
        "ruling_freeze_property",
        "执行裁定书（冻结财产权）",
        "经查，被执行人名下有{{ property_kind }}可供执行。",
        _CPL + "第二百五十三条",
        "冻结被执行人{{ debtor }}持有的{{ property }}，冻结期限为{{ period }}。",
        {
            "debtor": "湖南某某贸易有限公司",
            "property_kind": "股权",
            "property": "长沙某某科技有限公司30%的股权（出资额人民币300万元）",
            "period": "三年",
        },
    ),
    _ruling(
        "ruling_unfreeze",
        "执行裁定书（解除查封、扣押、冻结）",
        "本院依法查封、扣押、冻结了被执行人{{ debtor }}的财产。现{{ reason }}。",
        "《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》第二十八条",
        "解除对被执行人{{ debtor }}下列财产的查封、扣押、冻结：\n{{ targets }}",
        {
            "debtor": "张三",
            "reason": "被执行人已履行全部义务",
            "targets": "中国工商银行长沙岳麓支行账户6222020123456789012内的存款人民币91700.50元",
        },
    ),
    _ruling(
        "ruling_renew",
        "执行裁定书（续行查封、扣押、冻结）",
        "本院依法查封、扣押、冻结的被执行人{{ debtor }}的财产期限即将届满，被执行人仍未履行义务。",
        "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条",
        "继续查封、扣押、冻结被执行人{{ debtor }}的下列财产，期限至{{ until|cn_date }}：\n{{ targets }}",
        {
            "debtor": "张三",
            "until": "2027-03-02",
            "targets": "中国工商银行长沙岳麓支行账户6222020123456789012内的存款人民币91700.50元",
        },
    ),
]
