# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Pre-suit mediation and trial: 民事调解书, 司法确认裁定书 and the standard loan judgment
(民事判决书, 金融借款合同纠纷)."""

from __future__ import annotations

from .common import _RULING_SIGN, TemplateSpec, party_lines

JUDICIAL: list[TemplateSpec] = [
    TemplateSpec(
        code="mediation_statement",
        name="民事调解书",
        title="民事调解书",
        kind="mediation",
        body=party_lines("原告", "plaintiffs")
        + party_lines("被告", "defendants")
        + """原告{{ plaintiffs|map(attribute='name')|join('、') }}与被告{{ defendants|map(attribute='name')|join('、') }}{{ case.cause }}一案，本院于{{ case.filed_on|cn_date }}立案。{{ claims }}
本案审理过程中，经本院主持调解，双方当事人自愿达成如下协议：
{% for term in terms %}
{{ loop.index|cn_num }}、{{ term }}
{% endfor %}
{% if installments %}
{{ (terms|length + 1)|cn_num }}、被告分{{ installments|length|cn_num }}期向原告给付人民币{{ total|money }}元，付款期限及金额如下：
| 期次 | 付款期限 | 金额（人民币元） |
{% for i in installments %}
| 第{{ i.seq|cn_num }}期 | {{ i.due_on|cn_date }}前 | {{ i.amount|money }} |
{% endfor %}
| 合计 |  | {{ total|money }} |
{% for term in after_terms|default([]) %}
{{ (terms|length + 1 + loop.index)|cn_num }}、{{ term }}
{% endfor %}
{% endif %}
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
            "installments": [],
            "total": "89000.00",
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
        body=party_lines("申请人", "claimants")
        + party_lines("申请人", "counterparties")
        + """申请人{{ (claimants + counterparties)|map(attribute='name')|join('、') }}于{{ agreed_on|cn_date }}经{{ mediator }}主持调解，达成了如下调解协议：
{% for term in terms %}
{{ loop.index|cn_num }}、{{ term }}
{% endfor %}
{% if installments %}
{{ (terms|length + 1)|cn_num }}、{{ counterparties|map(attribute='name')|join('、') }}分{{ installments|length|cn_num }}期向{{ claimants|map(attribute='name')|join('、') }}给付人民币{{ total|money }}元，付款期限及金额如下：
| 期次 | 付款期限 | 金额（人民币元） |
{% for i in installments %}
| 第{{ i.seq|cn_num }}期 | {{ i.due_on|cn_date }}前 | {{ i.amount|money }} |
{% endfor %}
| 合计 |  | {{ total|money }} |
{% for term in after_terms|default([]) %}
{{ (terms|length + 1 + loop.index)|cn_num }}、{{ term }}
{% endfor %}
{% endif %}
上述调解协议经各方当事人签署，于{{ effective_on|cn_date }}生效。{{ applied_on|cn_date }}，申请人{{ (claimants + counterparties)|map(attribute='name')|join('、') }}共同向本院申请司法确认。本院受理后，依法指定审判员进行了审查。
本院经审查认为，申请人达成的调解协议，符合司法确认调解协议的法定条件。依照《中华人民共和国民事诉讼法》第二百零五条、第二百零六条的规定，裁定如下：
申请人{{ (claimants + counterparties)|map(attribute='name')|join('、') }}于{{ agreed_on|cn_date }}经{{ mediator }}主持调解达成的调解协议有效。
当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行。
"""
        + _RULING_SIGN,
        required=("agreed_on", "effective_on", "mediator", "terms", "installments", "total", "applied_on"),
        sample={
            "agreed_on": "2025-02-10",
            "effective_on": "2025-02-11",
            "mediator": "岳麓区诉前调解中心",
            "terms": ["申请人同意免除被申请人部分罚息；"],
            "installments": [
                {"seq": 1, "due_on": "2025-03-31", "amount": "25000.00"},
                {"seq": 2, "due_on": "2025-04-30", "amount": "25000.00"},
            ],
            "total": "50000.00",
            "agreement": "",
            "applied_on": "2025-02-12",
        },
    ),
    TemplateSpec(
        code="loan_judgment",
        name="民事判决书（金融借款合同纠纷）",
        title="民事判决书",
        kind="judgment",
        body=party_lines("原告", "plaintiffs")
        + party_lines("被告", "defendants")
        + """原告{{ plaintiffs|map(attribute='name')|join('、') }}与被告{{ defendants|map(attribute='name')|join('、') }}金融借款合同纠纷一案，本院于{{ case.filed_on|cn_date }}立案后，依法适用{{ procedure_text|default('简易程序') }}，公开开庭进行了审理。本案现已审理终结。
原告向本院提出诉讼请求：{{ claims }}
本院经审理认定事实如下：{{ facts }}
本院认为，原、被告签订的借款合同系双方真实意思表示，内容不违反法律、行政法规的强制性规定，合法有效。原告依约发放了贷款，被告未按约定偿还借款本息，构成违约，应当承担继续履行、支付逾期利息等违约责任。依照《中华人民共和国民法典》第六百六十七条、第六百七十四条、第六百七十五条、第六百七十六条{% if guarantors|default([]) %}、第六百八十八条、第七百条{% endif %}，《中华人民共和国民事诉讼法》第六十七条的规定，判决如下：
< 一、被告{% for p in defendants if not p.guarantor|default(false) %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}于本判决生效之日起十日内偿还原告借款本金人民币{{ principal|money }}元；
< 二、被告于本判决生效之日起十日内支付原告截至{{ interest_until|cn_date }}的利息、罚息人民币{{ interest|money }}元，此后的罚息以未还本金为基数按合同约定利率计付至实际清偿之日止。
{% if guarantors|default([]) %}< 三、被告{{ guarantors|map(attribute='name')|join('、') }}对上述第一、二项债务承担连带清偿责任，其承担保证责任后，有权向被告{% for p in defendants if not p.guarantor|default(false) %}{{ p.name }}{% if not loop.last %}、{% endif %}{% endfor %}追偿。
{% endif %}如果未按本判决指定的期间履行给付金钱义务，应当依照《中华人民共和国民事诉讼法》第二百六十四条之规定，加倍支付迟延履行期间的债务利息。
案件受理费人民币{{ court_fee|money }}元，{% if fee_halved|default(true) %}减半收取，{% endif %}由被告负担。
{% if final|default(false) %}本判决为终审判决。{% else %}如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，并按对方当事人的人数提出副本，上诉于{{ higher_court }}。{% endif %}
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
