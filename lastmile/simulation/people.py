# ruff: noqa: S311  (a seeded simulation, not cryptography)
"""The parties of the simulated cases: the applicants (the court's usual creditors, or a
person), the debtors (a person or a company), and the mobile number a debtor gives for
electronic service. All through the parties service."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from lastmile.core.identifiers import resident_id_check_char, uscc_check_char
from lastmile.parties.models import IdType, Party, PartyKind
from lastmile.parties.services import e_address_record, party_upsert
from lastmile.simulation.engine import Sim
from lastmile.simulation.plans import CREDITORS, GIVEN, STREETS, SURNAMES, CasePlan


def creditor(sim: Sim, plan: CasePlan, now: datetime) -> Party:
    if plan.creditor not in sim.creditors:
        if plan.creditor < len(CREDITORS):
            name, body = CREDITORS[plan.creditor]
            party = party_upsert(
                kind=PartyKind.ORGANISATION,
                name=name,
                id_type=IdType.USCC,
                id_number=body + uscc_check_char(body),
                now=now,
                address="湖南省常德市武陵区",
            )
        else:
            party = person(random.Random(plan.creditor * 7919), now, 900 + plan.creditor)
        sim.creditors[plan.creditor] = party
    return sim.creditors[plan.creditor]


def person(rng: random.Random, now: datetime, seq: int) -> Party:
    birth = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    first17 = f"430702{birth:%Y%m%d}{seq % 1000:03d}"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return party_upsert(
        kind=PartyKind.PERSON,
        name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=first17 + resident_id_check_char(first17),
        now=now,
        phone=f"139{rng.randrange(10**8):08d}",
        address=f"湖南省常德市武陵区{rng.choice(STREETS)}街道{rng.randint(1, 300)}号",
    )


def debtor(plan: CasePlan, rng: random.Random, now: datetime) -> Party:
    if plan.organisation:
        body = f"91430702{10000000 + plan.idx:08d}A"
        return party_upsert(
            kind=PartyKind.ORGANISATION,
            name=f"常德市{rng.choice('鑫源恒达宏泰金盛华瑞顺发鼎新')}{rng.choice('商贸建材餐饮物流装饰科技')}有限公司{plan.idx}",
            id_type=IdType.USCC,
            id_number=body + uscc_check_char(body),
            now=now,
            address="湖南省常德市武陵区",
        )
    return person(rng, now, plan.idx)


def legal_representative(plan: CasePlan, now: datetime) -> Party:
    """The 法定代表人 of an organisation debtor, as its registration names him or her (drawn
    from the case's own seed; registered on the debtor through the parties service when first
    needed)."""
    org = plan.debtor
    assert org is not None and not org.is_person
    if org.legal_representative is None:
        rep = person(random.Random(f"{plan.rng_seed}-legal-representative"), now, 500 + plan.idx)
        org = plan.debtor = party_upsert(
            kind=PartyKind.ORGANISATION,
            name=org.name,
            id_type=org.id_type,
            id_number=org.id_number,
            now=now,
            legal_representative=rep,
        )
    assert org.legal_representative is not None
    return org.legal_representative


def e_service(party: Party, now: datetime) -> None:
    e_address_record(
        party=party,
        channel="sms",
        address=party.phone or f"1397360{party.pk % 10**4:04d}",
        now=now,
        consent_kind="provided",
    )
