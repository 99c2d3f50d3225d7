# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Documents of service (送达) by the methods other than electronic: the 委托送达函 to another court
(CPL 2023 art. 91; 民诉解释 2022 art. 134), the 转交送达函 to an army unit, prison or education
institution (CPL 2023 arts. 92–94) and the 公告 of public notice (art. 95). The 送达回证 itself is
``service_receipt`` in :mod:`.closing`."""

from __future__ import annotations

from .common import _COURT_SIGN, TemplateSpec

SERVICE: list[TemplateSpec] = [
    TemplateSpec(
        code="service_commission_letter",
        name="委托送达函",
        title="委托送达函",
        kind="letter",
        body="""< {{ agency }}：
本院受理的{{ case.number }}{{ case.cause }}一案，需向受送达人{{ recipient.name }}送达{{ served_documents }}。因直接送达有困难，依照《中华人民共和国民事诉讼法》第九十一条和《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百三十四条的规定，特委托贵院代为送达，请于收到本函及所附诉讼文书之日起十日内送达，并将受送达人签收的送达回证退回本院。
< 受送达人：{{ recipient.name }}
< 送达地址：{{ address }}
< 附：{{ served_documents }}、送达回证
< 联系人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("agency", "served_documents", "recipient", "address"),
        sample={
            "agency": "长沙市天心区人民法院",
            "served_documents": "民事判决书",
            "recipient": {"name": "王小明"},
            "address": "长沙市天心区示范路1号",
        },
    ),
    TemplateSpec(
        code="service_transfer_letter",
        name="转交送达函",
        title="转交送达函",
        kind="letter",
        body="""< {{ agency }}：
本院受理的{{ case.number }}{{ case.cause }}一案，受送达人{{ recipient.name }}{{ via }}。依照《中华人民共和国民事诉讼法》{{ article }}和第九十四条的规定，现将{{ served_documents }}及送达回证送交你单位，请于收到后立即交受送达人签收，并将送达回证退回本院。送达回证上的签收日期为送达日期。
< 附：{{ served_documents }}、送达回证
< 联系人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("agency", "served_documents", "recipient", "via", "article"),
        sample={
            "agency": "湖南省长沙监狱",
            "served_documents": "民事判决书",
            "recipient": {"name": "王小明"},
            "via": "正在服刑",
            "article": "第九十三条",
        },
    ),
    TemplateSpec(
        code="service_public_notice",
        name="公告（公告送达）",
        title="公告",
        kind="notice",
        body="""< {{ recipient.name }}：
本院受理的{{ case.number }}{{ case.cause }}一案，{{ grounds }}。依照《中华人民共和国民事诉讼法》第九十五条的规定，向你（你单位）公告送达{{ served_documents }}。自发出公告之日起，经过三十日，即视为送达（公告期满日为{{ ends_on|cn_date }}）。
< 公告媒体：{{ medium }}
< 联系人：{{ officer.name }}　联系电话：{{ court.phone }}
"""
        + _COURT_SIGN,
        required=("recipient", "grounds", "served_documents", "ends_on", "medium"),
        sample={
            "recipient": {"name": "王小明"},
            "grounds": "因你下落不明，经邮寄送达（退回：查无此人）无法送达",
            "served_documents": "民事判决书",
            "ends_on": "2025-04-14",
            "medium": "人民法院公告网",
        },
    ),
]
