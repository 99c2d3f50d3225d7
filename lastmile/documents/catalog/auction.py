# ruff: noqa: E501  (template texts are court prose; a line is a paragraph)
"""Online judicial auction (网络司法拍卖规定 2016; 拍卖变卖规定 2020): the 拍卖（变卖）公告 served on the
parties and known pre-emption holders as their notice (arts. 12, 16), the 成交裁定 (拍卖变卖规定
art. 26) and the 以物抵债裁定 (art. 16)."""

from __future__ import annotations

from .common import _COURT_SIGN, _CPL, _SOURCE, TemplateSpec, _ruling

_AUCTION = "《最高人民法院关于人民法院网络司法拍卖若干问题的规定》"
_SALE = "《最高人民法院关于人民法院民事执行中拍卖、变卖财产的规定》"
_PROPERTY = "长沙市岳麓区麓谷街道枫林三路88号2栋1单元1201室房产"

AUCTION: list[TemplateSpec] = [
    TemplateSpec(
        code="auction_announcement",
        name="网络司法拍卖公告",
        title="网络司法拍卖公告",
        kind="notice",
        body="""本院在执行{{ applicants|map(attribute='name')|join('、') }}与{{ respondents|map(attribute='name')|join('、') }}{{ case.cause }}一案中，依照《中华人民共和国民事诉讼法》第二百五十八条和"""
        + _AUCTION
        + """第二条、第十二条的规定，将在网络司法拍卖平台对下列财产进行公开{{ round_label }}，现公告如下：
| 标的物 | {{ property }} |
| 权属现状 | {{ ownership }} |
| 占有使用现状 | {{ occupancy }} |
| 参考价 | 人民币{{ reference_price|money }}元（{{ reference_source }}） |
| 起拍价 | 人民币{{ starting_price|money }}元 |
| 保证金 | 人民币{{ deposit|money }}元 |
| 加价幅度 | 人民币{{ increment|money }}元 |
| 竞价时间 | {{ starts_at }}至{{ ends_at }}（延时的除外） |
< 一、竞买人应当以实名在平台报名并交纳保证金；竞买人的身份在竞价结束前予以保密。
< 二、竞价结束前五分钟内有人出价的，自动延时五分钟，时间以平台服务器记录为准。
< 三、优先购买权人经法院确认后，可以与最高应价相同的价格优先竞买。
< 四、买受人悔拍的，交纳的保证金不予退还，依次用于支付拍卖产生的费用损失、弥补重新拍卖价款低于原拍卖价款的差价、冲抵本案被执行人的债务；重新拍卖时，原买受人不得参加竞买。
< 五、当事人、利害关系人及已知的优先购买权人，本公告送达即视为通知。
"""
        + _COURT_SIGN,
        required=(
            "round_label",
            "property",
            "ownership",
            "occupancy",
            "reference_price",
            "reference_source",
            "starting_price",
            "deposit",
            "increment",
            "starts_at",
            "ends_at",
        ),
        sample={
            "round_label": "第一次拍卖",
            "property": _PROPERTY,
            "ownership": "不动产（湘（2019）长沙市不动产权第0067890号），登记于被执行人名下，已由本院查封",
            "occupancy": "已腾空（2025年4月5日自行搬离）",
            "reference_price": "1000000.00",
            "reference_source": "定向询价，2025年3月1日",
            "starting_price": "700000.00",
            "deposit": "70000.00",
            "increment": "5000.00",
            "starts_at": "2025年4月10日10时",
            "ends_at": "2025年4月11日10时",
        },
    ),
    _ruling(
        "auction_confirmation",
        "执行裁定书（拍卖成交）",
        "本院依法在网络司法拍卖平台公开{{ round_label }}{{ property }}，买受人{{ buyer }}以最高应价人民币{{ price|money }}元竞得。",
        _CPL + "第二百五十八条和" + _SALE + "第二十六条、" + _AUCTION + "第二十二条",
        "一、{{ property }}归买受人{{ buyer }}所有，所有权自本裁定送达买受人时起转移；\n"
        "二、买受人{{ buyer }}可持本裁定书到登记机构办理相关产权过户登记手续；\n"
        "三、本院于本裁定送达之日起十五日内将拍卖财产移交买受人。",
        {"round_label": "第一次拍卖", "property": _PROPERTY, "buyer": "李某", "price": "812000.00"},
    ),
    _ruling(
        "auction_set_off",
        "执行裁定书（以物抵债）",
        "{{ property }}经{{ round_label }}流拍，申请执行人{{ buyer }}同意以该次拍卖的保留价人民币{{ price|money }}元接受以物抵债。",
        _CPL + "第二百五十八条和" + _SALE + "第十六条、第二十六条",
        "一、{{ property }}作价人民币{{ price|money }}元交付申请执行人{{ buyer }}抵偿债务，所有权自本裁定送达时起转移；\n"
        "二、{{ buyer }}可持本裁定书到登记机构办理相关产权过户登记手续；\n"
        "三、抵债财产作价超出其债权数额的部分人民币{{ excess|money }}元，由{{ buyer }}于本裁定送达之日起十日内交付本院执行款账户。",
        {
            "round_label": "第二次拍卖",
            "property": _PROPERTY,
            "buyer": "长沙银行股份有限公司",
            "price": "560000.00",
            "excess": "0.00",
        },
    ),
]

__all__ = ["AUCTION", "_SOURCE"]
