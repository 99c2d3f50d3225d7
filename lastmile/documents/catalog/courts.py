# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Letters between courts in enforcement: the 委托执行函 that commissions another court to execute
the case (CPL 2023 art. 240; 委托执行规定 2020 arts. 5–7) and the 协助执行函 that asks it to do
one thing — an inquiry, a freeze, a seizure, an investigation, service (事项委托, art. 2)."""

from __future__ import annotations

from .common import _COURT_SIGN, _ENF_PARTIES, TemplateSpec

_MATERIALS = """< 受托法院：{{ to_court.name }}（法院代字{{ to_court.code }}）
< 执行依据：{{ basis }}
< 委托（协助）事项：{{ matter }}
< 承办人：{{ officer.name }}　联系电话：{{ officer_phone|default(court.phone) }}
"""

COURTS: list[TemplateSpec] = [
    TemplateSpec(
        code="enforcement_commission_letter",
        name="委托执行函",
        title="委托执行函",
        kind="letter",
        body="""< {{ to_court.name }}：
本院受理的{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，被执行人在本辖区内已无财产可供执行，在你院辖区内有可供执行的财产。依照《中华人民共和国民事诉讼法》第二百四十条和《最高人民法院关于委托执行若干问题的规定》第一条、第五条的规定，特委托你院执行。请于收到本函后七日内立案，并将指定的承办人、联系电话书面告知本院；于收到本函后十五日内开始执行，三十日内未执行完毕的，将执行情况函告本院。
"""
        + _ENF_PARTIES
        + _MATERIALS
        + """< 附：申请执行书、委托执行案件审批表、据以执行的生效法律文书副本、案件情况说明（含本辖区无财产的调查材料、财产保全情况、被执行人财产状况、履行情况）、当事人身份证明及联系方式
"""
        + _COURT_SIGN,
        required=("to_court", "matter", "basis"),
        sample={
            "to_court": dict(name="广东省深圳市福田区人民法院", code="粤0304"),  # noqa: C408 (a court code, not an error code)
            "matter": "执行被执行人在深圳市福田区的房产",
            "basis": "（2025）湘0105民初1号民事判决书",
        },
    ),
    TemplateSpec(
        code="enforcement_assistance_letter",
        name="协助执行函",
        title="协助执行函",
        kind="letter",
        body="""< {{ to_court.name }}：
本院受理的{{ case.number }}申请执行人{{ applicants|map(attribute='name')|join('、') }}与被执行人{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案，需在你院辖区内办理下列事项。依照《中华人民共和国民事诉讼法》第二百四十条和《最高人民法院关于委托执行若干问题的规定》第二条的规定，请你院协助办理，并于收到本函后十五日内开始办理，三十日内将办理结果或者办理情况函告本院。
"""
        + _ENF_PARTIES
        + _MATERIALS
        + _COURT_SIGN,
        required=("to_court", "matter", "basis"),
        sample={
            "to_court": dict(name="广东省深圳市福田区人民法院", code="粤0304"),  # noqa: C408 (a court code, not an error code)
            "matter": "协助冻结被执行人在深圳市福田区的银行存款",
            "basis": "（2025）湘0105民初1号民事判决书",
        },
    ),
]
