# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""First-instance trial: 传票 (summons, CPL 2023 art. 139, 民诉解释 2022 art. 227), 庭审笔录 (hearing
record), the ruling converting a case to ordinary procedure (arts. 169–170), the notice that a
small-claims case continues under the other rules of the simplified procedure (art. 169), the
notice to pay the rest of the acceptance fee after conversion (诉讼费用交纳办法 2006 art. 16,
民诉解释 2022 art. 199), and the notice serving a copy of an appeal petition (CPL 2023 art. 174)."""

from __future__ import annotations

from .common import _COURT_SIGN, _RULING_SIGN, TemplateSpec

_LAWSUIT_PARTIES = """{% for p in plaintiffs %}
< 原告：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
{% for p in defendants %}
< 被告：{{ p.desc }}
{% if p.rep %}< {{ p.rep }}
{% endif %}
{% endfor %}
"""

_CASE_LINE = "原告{{ plaintiffs|map(attribute='name')|join('、') }}与被告{{ defendants|map(attribute='name')|join('、') }}{{ case.cause }}一案"

_SAMPLE_HEARING = {
    "hearing_at": "二〇二五年三月十日九时〇〇分",
    "link": "https://hearing.example.invalid/room/abc123",
    "meeting_id": "abc123",
}

TRIAL: list[TemplateSpec] = [
    TemplateSpec(
        code="summons",
        name="传票（开庭）",
        title="传票",
        kind="notice",
        body="""| 案号 | {{ case.number }} |
| 案由 | {{ case.cause }} |
| 被传唤人 | {{ summoned.name }}（{{ summoned_role }}） |
| 工作单位或者住所 | {{ summoned.address|default('') }} |
| 传唤事由 | 开庭审理 |
| 应到时间 | {{ hearing_at }} |
| 应到处所 | 在线庭审：{{ link }}（会议号{{ meeting_id }}） |
## 注意事项
< 一、被传唤人必须准时参加庭审，请于开庭前十分钟通过上述链接登录在线庭审系统并核验身份。
< 二、依照《中华人民共和国民事诉讼法》第一百四十六条、第一百四十七条的规定，原告经传票传唤，无正当理由拒不到庭的，可以按撤诉处理；被告经传票传唤，无正当理由拒不到庭的，可以缺席判决。
< 三、不能在线参加庭审的，请在开庭前联系本院。承办人{{ officer.name }}，联系电话{{ court.phone }}。
"""
        + _COURT_SIGN,
        required=("summoned", "summoned_role", "hearing_at", "link", "meeting_id"),
        sample={
            "summoned": {"name": "李四", "address": "长沙市岳麓区桐梓坡路1号"},
            "summoned_role": "被告",
            **_SAMPLE_HEARING,
        },
    ),
    TemplateSpec(
        code="hearing_record",
        name="庭审笔录",
        title="庭审笔录",
        kind="statement",
        body="""| 时间 | {{ held_at }} |
| 地点 | 在线庭审（{{ link }}） |
| 案号 | {{ case.number }} |
| 案由 | {{ case.cause }} |
| 审理程序 | {{ procedure_label }} |
| 审判员 | {{ judge_name }} |
| 书记员 | {{ clerk|default('') }} |
## 当事人到庭及传唤情况
{% for row in attendance %}
< {{ row.role }}{{ row.name }}：{{ row.summons }}。
{% endfor %}
## 庭审情况
{{ note }}
---
> 审判员　{{ judge_name }}
> 书记员　{{ clerk|default('') }}
""",
        required=("held_at", "link", "procedure_label", "judge_name", "attendance", "note"),
        sample={
            "held_at": "二〇二五年三月十日九时〇〇分",
            "link": _SAMPLE_HEARING["link"],
            "procedure_label": "简易程序",
            "judge_name": "陈审判",
            "attendance": [
                {"role": "原告", "name": "长沙示范银行", "summons": "传票已于二〇二五年三月五日送达"},
                {"role": "被告", "name": "李四", "summons": "传票已于二〇二五年三月五日送达"},
            ],
            "note": "被告经传票传唤，无正当理由未到庭，本院依法缺席审理。",
        },
    ),
    TemplateSpec(
        code="procedure_conversion_ruling",
        name="民事裁定书（转为普通程序）",
        title="民事裁定书",
        kind="ruling",
        series="民事裁定书",
        body=_LAWSUIT_PARTIES
        + _CASE_LINE
        + """，本院于{{ case.filed_on|cn_date }}立案后，依法适用{{ from_label }}。本院在审理过程中发现，{{ reason }}，本案不宜适用{{ from_label }}审理。依照{{ basis_text }}的规定，裁定如下：
本案转为普通程序审理。
本裁定送达后立即生效。
"""
        + _RULING_SIGN,
        required=("from_label", "reason", "basis_text"),
        sample={
            "from_label": "简易程序",
            "reason": "被告下落不明，需公告送达",
            "basis_text": "《中华人民共和国民事诉讼法》第一百七十条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百四十条",
        },
    ),
    TemplateSpec(
        code="procedure_change_notice",
        name="通知书（小额诉讼转简易程序其他规定）",
        title="通知书",
        kind="notice",
        body="""{% for p in plaintiffs + defendants %}
< {{ p.name }}：
{% endfor %}
"""
        + _CASE_LINE
        + """，本院于{{ case.filed_on|cn_date }}立案后，依法适用小额诉讼的程序。本院在审理过程中发现，{{ reason }}，本案不宜适用小额诉讼的程序审理。依照《中华人民共和国民事诉讼法》第一百六十六条、第一百六十九条的规定，本案适用简易程序的其他规定审理，所作判决可以依法上诉。
特此通知。
"""
        + _COURT_SIGN,
        required=("reason",),
        sample={"reason": "案件需要评估、鉴定"},
    ),
    TemplateSpec(
        code="fee_supplement_notice",
        name="交纳诉讼费用通知书（转为普通程序补交）",
        title="交纳诉讼费用通知书",
        kind="notice",
        body="""{% for p in plaintiffs %}
< {{ p.name }}：
{% endfor %}
"""
        + _CASE_LINE
        + """，本院于{{ case.filed_on|cn_date }}立案后适用{{ from_label }}审理，已按减半收取预交案件受理费人民币{{ paid|money }}元。本案现已转为普通程序审理，案件受理费为人民币{{ full|money }}元。依照《诉讼费用交纳办法》第十三条、第十六条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百九十九条的规定，你（你单位）应当补交案件受理费人民币**{{ difference|money }}元**。
请自收到本通知之日起七日内交纳。无正当理由未按期足额补交的，按撤诉处理，已经收取的诉讼费用退还一半。
< 承办人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("from_label", "paid", "full", "difference"),
        sample={"from_label": "简易程序", "paid": "975.00", "full": "1950.00", "difference": "975.00"},
    ),
    TemplateSpec(
        code="appeal_copy_notice",
        name="送达上诉状副本通知书",
        title="通知书",
        kind="notice",
        body="""{% for p in respondents_on_appeal %}
< {{ p }}：
{% endfor %}
{{ appellant }}不服本院{{ judgment_number }}民事判决，于{{ lodged_on|cn_date }}向本院提起上诉{% if note %}，上诉请求：{{ note }}{% endif %}。依照《中华人民共和国民事诉讼法》第一百七十一条、第一百七十四条的规定，现将上诉状副本送达你（你单位），你（你单位）可以在收到之日起十五日内向本院提出答辩状。不提出答辩状的，不影响人民法院审理。
本案将依法报送{{ higher_court }}审理。
< 承办人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("appellant", "respondents_on_appeal", "judgment_number", "lodged_on", "higher_court"),
        sample={
            "appellant": "李四",
            "respondents_on_appeal": ["长沙示范银行股份有限公司岳麓支行"],
            "judgment_number": "（2025）湘0104民初12号",
            "lodged_on": "2025-03-20",
            "note": "撤销原判，改判驳回被上诉人的诉讼请求",
            "higher_court": "湖南省长沙市中级人民法院",
        },
    ),
]
