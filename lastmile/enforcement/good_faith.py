"""善意文明执行 on the real path of control (issue K item 11; docs/law.md, Network inquiry).

The inquiry app decides freezes, deductions and seizures, but the facts the good-faith rules read
(the enterprise screening, the family-home designation, the 院长's written override) are recorded
in the measures app, its sibling, which it may not import. The enforcement app sits above both:
:class:`GoodFaithGuard` answers inquiry's port (:class:`lastmile.inquiry.ports.ControlGuard`,
chosen by ``LASTMILE["INQUIRY"]["GOOD_FAITH_GUARD"]``) with measures' own evaluation, so each rule
keeps one home (``lastmile.measures.guardrails``) and is asked at the moment control acts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lastmile.inquiry.ports import Spare
from lastmile.measures.guardrails import basic_account_freeze_evaluate, home_disposal_evaluate

AUCTION_HOME = "auction_home"


def _spare(evaluation: Any) -> Spare | None:
    if evaluation.verdict != "refused":
        return None
    refusals = evaluation.refusals
    return Spare(reason="；".join(r.message for r in refusals), basis=refusals[0].basis)


class GoodFaithGuard:
    """The measures app's guardrails, asked by control (法发〔2019〕35号; 查封规定 2020 art. 4)."""

    def basic_account_spared(self, *, case: Any, party: Any, now: datetime) -> Spare | None:
        """An enterprise screened as temporarily struggling, not evading, keeps its basic deposit
        account (法发〔2019〕35号), unless the 院长 decided otherwise in writing."""
        if party.is_person:
            return None
        return _spare(basic_account_freeze_evaluate(case=case, party=party, now=now))

    def home_in_use(self, *, case: Any, party: Any, property_ref: str, now: datetime) -> Spare | None:
        """The item designated as the family's necessary home may be seized, never auctioned,
        sold or taken in payment (查封规定 2020 art. 4)."""
        return _spare(
            home_disposal_evaluate(
                case=case, party=party, property_ref=property_ref, kind=AUCTION_HOME, now=now
            )
        )
