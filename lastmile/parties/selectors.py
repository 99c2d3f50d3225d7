"""Reads for parties, with masking for viewers who may not see full identities."""

from __future__ import annotations

from lastmile.core.identifiers import mask_name, mask_phone, mask_resident_id

from .models import IdType, Party


def party_masked_id(party: Party) -> str:
    """The ID as published lists show it: digits 11–14 hidden (失信规定 2017 art. 6,
    as the national list publishes it; see docs/law.md);
    credit codes of organisations are public and shown in full."""
    if party.id_type == IdType.RESIDENT_ID and party.id_number:
        return mask_resident_id(party.id_number)
    if party.id_type == IdType.USCC:
        return party.id_number
    number = party.id_number
    if not number:
        return ""
    if len(number) <= 4:  # too short to show any of it without showing most of it
        return "*" * len(number)
    keep = 2 if len(number) >= 8 else 1
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def party_public_view(party: Party) -> dict[str, str]:
    """What a person who is not entitled to the party's identity may see."""
    if party.is_person:
        return {
            "name": mask_name(party.name),
            "id_number": party_masked_id(party),
            "phone": mask_phone(party.phone) if party.phone else "",
        }
    return {"name": party.name, "id_number": party_masked_id(party), "phone": ""}
