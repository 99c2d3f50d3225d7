"""Writes for parties: identities are validated before anything is stored."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import validate_resident_id, validate_uscc

from .models import IdType, Party, PartyKind


def _normalised_identity(kind: str, id_type: str, id_number: str) -> tuple[str, dict[str, object]]:
    """Validate the identity and return the normalised number plus what it tells us."""
    id_number = (id_number or "").strip()
    facts: dict[str, object] = {}
    if id_type == IdType.RESIDENT_ID:
        rid = validate_resident_id(id_number)
        facts = {"sex": rid.sex, "birth_date": rid.birth_date}
        return rid.number, facts
    if id_type == IdType.USCC:
        return validate_uscc(id_number), facts
    if kind == PartyKind.PERSON and id_type not in (IdType.PASSPORT, IdType.OTHER):
        raise InvalidIdentifier("自然人应提供居民身份证号码或其他有效证件。")
    return id_number, facts


@transaction.atomic
def party_upsert(
    *,
    kind: str,
    name: str,
    id_type: str,
    id_number: str,
    now: datetime,
    phone: str = "",
    address: str = "",
    service_address: str = "",
    legal_representative: Party | None = None,
    actual_controller: Party | None = None,
    principal: Party | None = None,
) -> Party:
    """Find the party with this identity or create it; contact details are refreshed.

    The ID number or credit code is validated by its check character (GB 11643-1999,
    GB 32100-2015); an invalid one raises :class:`InvalidIdentifier` and nothing is written.
    """
    name = (name or "").strip()
    if not name:
        raise InvalidIdentifier("当事人姓名或名称不能为空。")
    number, facts = _normalised_identity(kind, id_type, id_number)
    party = None
    if number:
        party = Party.objects.select_for_update().filter(id_type=id_type, id_number=number).first()
    if party is None:
        party = Party(kind=kind, id_type=id_type, id_number=number, created_at=now)
    party.name = name
    party.sex = str(facts.get("sex", party.sex or ""))
    party.birth_date = facts.get("birth_date", party.birth_date)  # type: ignore[assignment]
    for field, value in (
        ("phone", phone),
        ("address", address),
        ("service_address", service_address),
    ):
        if value:
            setattr(party, field, value.strip())
    for field, related in (
        ("legal_representative", legal_representative),
        ("actual_controller", actual_controller),
        ("principal", principal),
    ):
        if related is not None:
            setattr(party, field, related)
    party.save()
    return party
