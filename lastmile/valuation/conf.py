"""Settings of the reference-price procedure: ``settings.LASTMILE["VALUATION"]``, each key with a
default (docs/valuation.md explains each one). The lists of platforms, pricing bodies and
appraisal firms are the court's own (the SPC publishes the national lists); the defaults are
UNVERIFIED placeholders for the demo and tests."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .ports import PricingPort

DEFAULTS: dict[str, Any] = {
    # The adapter that talks to inquiry platforms, pricing bodies and appraisers (dotted path to
    # a class implementing :class:`~lastmile.valuation.ports.PricingPort`).
    "ADAPTER": "lastmile.integrations.valuation_sim.SimulatedPricing",
    # 网络询价: every platform on the SPC list (参考价规定 2018 art. 10). UNVERIFIED list.
    "PLATFORMS": ["taobao", "jd", "icbc_rong_e"],
    # 定向询价: the body with a tax base, government-set or guided price, by asset kind (art. 5).
    "DIRECTED_BODIES": {"real_estate": "不动产所在地税务机关", "vehicle": "价格认定机构"},
    # The roster of appraisal firms the lot draws three from (art. 16). UNVERIFIED names.
    "FIRMS": [
        "湖南甲资产评估有限公司",
        "湖南乙房地产土地评估有限公司",
        "湖南丙资产评估事务所",
        "湖南丁价格评估有限公司",
        "湖南戊资产评估有限公司",
    ],
    # Default costs (yuan) the applicant advances (art. 33). UNVERIFIED.
    "COSTS": {"agreement": "0.00", "directed": "0.00", "online": "300.00", "appraisal": "3000.00"},
}


def valuation_setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "LASTMILE", {}).get("VALUATION", {})}[name]


@lru_cache(maxsize=4)
def _adapter(path: str) -> PricingPort:
    return import_string(path)()  # type: ignore[no-any-return]


def pricing_port() -> PricingPort:
    return _adapter(str(valuation_setting("ADAPTER")))
