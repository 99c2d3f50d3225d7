# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Notices at the start of enforcement: 受理案件通知书, 执行通知书 (CPL 2023 art. 251) and 报告财产令
(art. 252)."""

from __future__ import annotations

from .common import _ACCOUNT, _COURT_SIGN, _OWED, _RISK, _SAMPLE_ACCOUNT, _SOURCE, TemplateSpec

NOTICES: list[TemplateSpec] = [
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
< 三、负担申请执行费人民币{{ fee|money }}元（依照《诉讼费用交纳办法》第十四条、第三十八条的规定由被执行人负担）；
{% if other_costs is defined and other_costs not in ("", "0", "0.00") %}< 四、负担执行依据确定的案件受理费等费用人民币{{ other_costs|money }}元；
{% endif %}< 以上合计人民币**{{ total|money }}元**，以及迟延履行期间的加倍部分债务利息。
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
]
