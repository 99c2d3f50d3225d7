"""Settings of the case-funds app: ``settings.LASTMILE["FUNDS"]``, each key with a default.

Every key here stands for a rule whose reading is not settled by the law's text or that a
court sets locally; docs/funds.md explains each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 加倍部分债务利息 day count: the delay runs from the expiry of the performance period to the
    # payment (法释〔2014〕8号 arts. 2, 3; CPL 2023 art. 85), no official worked example: see
    # DAY_COUNTS below.
    "DOUBLED_INTEREST_DAY_COUNT": "after_expiry_through_payment",
    # Base of the doubled interest: "principal" (what public calculators do) or
    # "principal_and_costs" (also the litigation costs the execution basis fixes): 法释〔2014〕8号
    # art. 1 says "除一般债务利息外的生效法律文书确定的金钱债务", UNVERIFIED whether costs count.
    "DOUBLED_INTEREST_BASE": "principal",
    # Days in a year for general interest given as an annual rate, unless the terms say otherwise.
    "GENERAL_INTEREST_DAY_BASIS": 365,
    # Payout of case funds within N days of arrival (执行款物管理规定 2017, 法发〔2017〕6号, as
    # applied locally; article UNVERIFIED). See lastmile.ledger.rules.payout_due.
    "PAYOUT_DUE_DAYS": 30,
    # Unclaimed money must be claimed for its case within N days (a local rule: 嘉鱼县人民法院关于
    # 执行案款管理工作的规定（试行）2024 art. 6). See lastmile.ledger.rules.unclaimed_claim_cutoff.
    "UNCLAIMED_CLAIM_DAYS": 3,
    # The LPR table (CSV, see lastmile/ledger/data/lpr.csv); None means the bundled file.
    "LPR_FILE": None,
    # First digits of every virtual account number (a bank or province prefix), digits only.
    "VIRTUAL_ACCOUNT_PREFIX": "",
    # Who issues the payment instruction (执行款发放审批表) when a payout is approved: a callable
    # by dotted path (lastmile.ledger.ports.PayoutInstructionIssuer); empty issues none.
    "PAYOUT_INSTRUCTION_ISSUER": "lastmile.enforcement.payout_instruction.payout_instruction_issue",
}

DAY_COUNTS = {
    # name: (first day of delay counted from the expiry day + offset, payment day accrues)
    "after_expiry_through_payment": (1, True),
    "expiry_through_payment": (0, True),
    "after_expiry_before_payment": (1, False),
}


def funds_setting(key: str) -> Any:
    return getattr(settings, "LASTMILE", {}).get("FUNDS", {}).get(key, DEFAULTS[key])


@dataclass(frozen=True)
class Convention:
    """How days are counted. ``first_day_offset``: the delay begins this many days after the
    day the performance period expires. ``payment_day_accrues``: interest of the payment day is
    charged on the balance before the payment (算尾) or after it."""

    first_day_offset: int = 1
    payment_day_accrues: bool = True
    doubled_base_includes_costs: bool = False
    day_basis: int = 365

    @classmethod
    def from_settings(cls) -> Convention:
        name = funds_setting("DOUBLED_INTEREST_DAY_COUNT")
        if name not in DAY_COUNTS:
            raise ValueError(
                f"LASTMILE['FUNDS']['DOUBLED_INTEREST_DAY_COUNT'] must be one of {list(DAY_COUNTS)}"
            )
        offset, accrues = DAY_COUNTS[name]
        base = funds_setting("DOUBLED_INTEREST_BASE")
        if base not in ("principal", "principal_and_costs"):
            raise ValueError(
                "LASTMILE['FUNDS']['DOUBLED_INTEREST_BASE'] must be principal or principal_and_costs"
            )
        return cls(
            first_day_offset=offset,
            payment_day_accrues=accrues,
            doubled_base_includes_costs=base == "principal_and_costs",
            day_basis=int(funds_setting("GENERAL_INTEREST_DAY_BASIS")),
        )


def lpr_file() -> Path:
    configured = funds_setting("LPR_FILE")
    return Path(configured) if configured else Path(__file__).parent / "data" / "lpr.csv"
