# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Coercive measures and credit punishment: 限制消费令, 失信决定书, 拘传票, 罚款决定书 and 拘留决定书;
the 腾房公告 ordering the occupants of a seized home to leave within a set period (民事诉讼法 2023
art. 261)."""

from __future__ import annotations

from .common import _COURT_SIGN, _ENF_PARTIES, _SOURCE, TemplateSpec

MEASURES: list[TemplateSpec] = [
    TemplateSpec(
        code="consumption_restriction_order",
        name="限制消费令",
        title="限制消费令",
        kind="order",
        body="""{% for p in respondents %}
< {{ p.name }}：
{% endfor %}
本院于{{ case.filed_on|cn_date }}立案执行申请执行人{{ applicants|map(attribute='name')|join('、') }}申请执行你（你单位）{{ case.cause }}一案。因你（你单位）未按执行通知书指定的期间履行生效法律文书确定的给付义务，依照《中华人民共和国民事诉讼法》第二百六十六条和《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第一条、第三条的规定，对你（你单位）采取限制消费措施，限制你（你单位）{% if restricted_persons is not defined %}及你单位的法定代表人、主要负责人、影响债务履行的直接责任人员、实际控制人{% elif restricted_persons %}及{{ restricted_persons }}{% endif %}不得实施以下高消费及非生活和工作必需的消费行为：
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
]

# Appended for issue K item 2: the documents that end a listing or a restriction.
MEASURES += [
    TemplateSpec(
        code="dishonest_deletion_decision",
        name="删除失信信息决定书",
        title="决定书",
        kind="decision",
        series="决定书",
        body=_ENF_PARTIES
        + """本院在执行{{ case.number }}一案中，于{{ listed_on|cn_date }}将被执行人{{ debtor }}纳入失信被执行人名单。现因{{ ground }}，依照《最高人民法院关于公布失信被执行人名单信息的若干规定》第十条的规定，决定如下：
删除被执行人{{ debtor }}的失信信息。
本决定一经作出即生效。
"""
        + _COURT_SIGN,
        required=("debtor", "listed_on", "ground"),
        sample={"debtor": "王小明", "listed_on": "2025-03-10", "ground": "本案已执行完毕"},
    ),
    TemplateSpec(
        code="consumption_restriction_lift_order",
        name="解除限制消费令",
        title="解除限制消费令",
        kind="order",
        body="""{% for p in respondents %}
< {{ p.name }}：
{% endfor %}
本院于{{ restricted_on|cn_date }}对你（你单位）{{ case.number }}一案发出限制消费令。现因{{ reason }}，依照《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第九条的规定，解除对{{ restricted }}的限制消费措施，并在原通知或者公告的范围内通知或者公告。
"""
        + _COURT_SIGN,
        required=("restricted", "restricted_on", "reason"),
        sample={"restricted": "王小明", "restricted_on": "2025-03-10", "reason": "本案已执行完毕"},
    ),
]

# Appended for issue K "every act issues its document": 限制出境, the revocation of a wrongful
# listing and the early release from detention.
MEASURES += [
    TemplateSpec(
        code="exit_restriction_decision",
        name="限制出境决定书",
        title="决定书",
        kind="decision",
        series="决定书",
        body=_ENF_PARTIES
        + """本院在执行{{ case.number }}{{ case.cause }}一案中，{{ source_document }}已经发生法律效力，被执行人未按执行通知履行法律文书确定的义务。依照《中华人民共和国民事诉讼法》第二百六十六条的规定，决定如下：
对{{ restricted }}限制出境。
本决定一经作出即生效。
"""
        + _COURT_SIGN,
        required=("source_document", "restricted"),
        sample={"source_document": _SOURCE["source_document"], "restricted": "王小明"},
    ),
    TemplateSpec(
        code="dishonest_revocation_decision",
        name="撤销失信决定书",
        title="决定书",
        kind="decision",
        series="决定书",
        body=_ENF_PARTIES
        + """本院在执行{{ case.number }}一案中，于{{ listed_on|cn_date }}将被执行人{{ debtor }}纳入失信被执行人名单。经审查，{{ ground }}。依照《最高人民法院关于公布失信被执行人名单信息的若干规定》第九条的规定，决定如下：
撤销将被执行人{{ debtor }}纳入失信被执行人名单的决定，并删除其失信信息。
本决定一经作出即生效。
"""
        + _COURT_SIGN,
        required=("debtor", "listed_on", "ground"),
        sample={"debtor": "王小明", "listed_on": "2025-03-10", "ground": "错误纳入，予以撤销"},
    ),
    TemplateSpec(
        code="detention_early_release_decision",
        name="提前解除拘留决定书",
        title="提前解除拘留决定书",
        kind="decision",
        series="决定书",
        body="""< 被拘留人：{{ person.desc }}
本院于{{ detained_on|cn_date }}以拘留决定书决定对{{ person.name }}拘留{{ days }}日，由{{ custody }}执行。被拘留人在拘留期间认错悔改，{{ repentance }}。依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百八十二条的规定，经本院院长批准，决定如下：
提前解除对{{ person.name }}的拘留。
请{{ custody }}于{{ release_at }}予以执行。
"""
        + _COURT_SIGN,
        required=("detained_on", "days", "custody", "repentance", "release_at"),
        sample={
            "detained_on": "2025-03-10",
            "days": "十五",
            "custody": "长沙市公安局拘留所",
            "repentance": "已具结悔过，并履行了部分义务",
            "release_at": "二〇二五年三月十五日十时",
        },
    ),
    TemplateSpec(
        code="vacate_notice",
        name="腾房公告",
        title="公告",
        kind="notice",
        body="""本院在执行申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案中，已依法查封被执行人{{ debtor }}名下坐落于{{ address }}的房屋（{{ property_ref }}），该房屋现由{{ occupants }}居住使用。依照《中华人民共和国民事诉讼法》第二百六十一条的规定，责令上述房屋的居住使用人自本公告张贴之日起{{ days }}日内（至{{ ends_on|cn_date }}止）自行搬离该房屋，搬出屋内物品，并将房屋钥匙交至本院。
{% if applicant_housing %}申请执行人已为被执行人及其所扶养家属提供居住房屋（{{ applicant_housing }}），依照《最高人民法院关于人民法院办理执行异议和复议案件若干问题的规定》第二十条第一款第三项的规定，被执行人及其所扶养家属可迁往该房屋居住。
{% endif %}逾期不自行搬离的，本院将依法强制迁出。拒不迁出、妨碍执行的，本院将依照《中华人民共和国民事诉讼法》第一百一十四条的规定予以罚款、拘留；构成犯罪的，依法追究刑事责任。
特此公告。
< 执行法官：{{ officer.name }}　联系电话：{{ court.phone }}
> 院长　{{ president }}
"""
        + _COURT_SIGN,
        required=("debtor", "address", "property_ref", "occupants", "days", "ends_on", "president"),
        sample={
            "debtor": "张某",
            "address": "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室",
            "property_ref": "湘（2020）长沙市不动产权第0012345号",
            "occupants": "被执行人张某及其父母、子女",
            "days": "15",
            "ends_on": "2025-06-20",
            "applicant_housing": "长沙市岳麓区望城坡街道某小区3栋502室，由申请执行人租赁",
            "president": "王院长",
        },
    ),
]
