# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""The plan of a simulated court-year: the calibration (how cases end, how much they are for,
when they are filed) and the seeded draw of one plan per case. Pure: nothing here touches the
database; :mod:`lastmile.simulation.court_year` drives the year and
:mod:`lastmile.simulation.case_life` lives each plan through the services.

The distributions are calibrated so that ``--cases 6772`` for 湘0702 gives rates in the range of
the 2023 武陵 report (which covers January–September; the simulation a whole year); see
``docs/statistics.md``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from lastmile.cases.models import Case
from lastmile.core.clock import SHANGHAI
from lastmile.core.periods import is_working_day
from lastmile.parties.models import Party

# --- calibration ----------------------------------------------------------------------------
# Outcome of a first-enforcement case: weight, median amount (yuan), log-sd of the amount.
# Large debts end in 终本 more often, which is what keeps the recovery rate near 42 %.
OUTCOMES: dict[str, tuple[float, float, float]] = {
    "voluntary": (0.37, 2400, 0.9),  # debtor pays after the notice → 执行完毕
    "forced": (0.085, 4500, 1.0),  # bank deduction after online 查控 → 执行完毕
    "auction": (0.012, 45000, 0.6),  # auction of property (excluded period) → 执行完毕
    "settlement": (0.12, 4100, 0.9),  # 执行和解 by instalments (15 % default → 执恢)
    "withdrawn": (0.17, 3750, 1.0),  # applicant withdraws after settling out of court → 终结执行
    "zhongben": (0.173, 16000, 1.1),  # no property → 终本 after 3 months
    "stalled": (0.01, 9000, 1.0),  # left without action; 终本 late, past the time limit
    "cancelled": (0.03, 3000, 0.8),  # 销案
    "not_enforced": (0.015, 6000, 0.8),  # 不予执行
    "rejected": (0.015, 3000, 0.8),  # 驳回申请
}
ONLINE_SHARE = 0.22  # applications made online and accepted by a clerk later
# Monthly filing profile (January … December): February has the Spring Festival; courts file
# little in late December while they push to close the year.
MONTH_WEIGHTS = (1.05, 0.75, 1.1, 1.05, 1.05, 1.1, 1.05, 1.05, 1.05, 0.9, 0.95, 0.55)
STAFF = {"fast": 12, "complex": 6}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉力斌波宇浩凯鹏飞峰俊帅雪梅琳晶燕婷慧颖欣怡晨阳佳琪子轩宏亮德兵春"  # noqa: E501
STREETS = ("丹溪", "穿紫河", "芙蓉", "府坪", "白马湖", "南坪", "东江")
CREDITORS = [
    ("常德农村商业银行股份有限公司", "9143070200000001A"),
    ("中国邮政储蓄银行股份有限公司常德市分行", "9143070200000002A"),
    ("湖南常德武陵农村商业银行股份有限公司", "9143070200000003A"),
    ("长沙银行股份有限公司常德分行", "9143070200000004A"),
    ("常德市鼎城区小额贷款有限公司", "9143070200000005A"),
    ("湖南湘江融资担保有限公司", "9143070200000006A"),
    ("常德市武陵区城市建设投资有限公司", "9143070200000007A"),
    ("中国建设银行股份有限公司常德分行", "9143070200000008A"),
]
CAUSES = [
    ("金融借款合同纠纷", 0.34),
    ("民间借贷纠纷", 0.26),
    ("买卖合同纠纷", 0.12),
    ("信用卡纠纷", 0.08),
    ("劳务合同纠纷", 0.06),
    ("租赁合同纠纷", 0.05),
    ("机动车交通事故责任纠纷", 0.05),
    ("物业服务合同纠纷", 0.04),
]


@dataclass
class CasePlan:
    idx: int
    outcome: str
    filed_at: datetime
    online: bool
    amount: Decimal
    organisation: bool
    cause: str
    creditor: int
    rng_seed: int
    case: Case | None = None
    debtor: Party | None = None
    settlement_pays: list[tuple[date, Decimal]] = field(default_factory=list)
    inquired_at: datetime | None = None  # the last 网络查控 round, answered at once


def working_moment(rng: random.Random, day: date) -> datetime:
    while not is_working_day(day):
        day += timedelta(days=1)
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=SHANGHAI)


def year_plans(*, year: int, cases: int, seed: int) -> list[CasePlan]:
    rng = random.Random(seed)
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(366 if year % 4 == 0 else 365)]
    days = [d for d in days if d.year == year and is_working_day(d)]
    weights = [MONTH_WEIGHTS[d.month - 1] for d in days]
    chosen = sorted(rng.choices(days, weights=weights, k=cases))
    names, outcome_weights = list(OUTCOMES), [w for w, _, _ in OUTCOMES.values()]
    causes, cause_weights = [c for c, _ in CAUSES], [w for _, w in CAUSES]
    plans = []
    for i, day in enumerate(chosen):
        outcome = rng.choices(names, weights=outcome_weights)[0]
        _, median, sigma = OUTCOMES[outcome]
        amount = Decimal(max(500.0, math.exp(rng.gauss(math.log(median), sigma)))).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        plans.append(
            CasePlan(
                idx=i,
                outcome=outcome,
                filed_at=working_moment(rng, day),
                online=rng.random() < ONLINE_SHARE,
                amount=amount,
                organisation=rng.random() < 0.18,
                cause=rng.choices(causes, weights=cause_weights)[0],
                creditor=rng.randrange(len(CREDITORS) + 4),
                rng_seed=rng.randrange(2**31),
            )
        )
    plans.sort(key=lambda p: p.filed_at)
    return plans
