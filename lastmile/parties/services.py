"""Writes for parties: identities are validated before anything is stored.

Parties and their electronic-service addresses are written only here: one at a time
(:func:`party_upsert`, :func:`e_address_record`) or many at once for bulk filing
(:func:`parties_upsert_many`, :func:`e_addresses_record_many`), with the same results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import transaction

from lastmile.core.db import bulk_set
from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import validate_resident_id, validate_uscc

from .models import ElectronicAddress, IdType, Party, PartyKind


def _party_refresh(party: Party, *, name: str, facts: dict[str, object], contacts: Mapping[str, str]) -> None:
    """The contact refresh of an upsert: the name is replaced, sex and birth date follow the
    resident ID, a non-empty contact field replaces the stored one."""
    party.name = name
    party.sex = str(facts.get("sex", party.sex or ""))
    party.birth_date = facts.get("birth_date", party.birth_date)  # type: ignore[assignment]
    for field, value in contacts.items():
        if value:
            setattr(party, field, value.strip())


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
    _party_refresh(
        party,
        name=name,
        facts=facts,
        contacts={"phone": phone, "address": address, "service_address": service_address},
    )
    for field, related in (
        ("legal_representative", legal_representative),
        ("actual_controller", actual_controller),
        ("principal", principal),
    ):
        if related is not None:
            setattr(party, field, related)
    party.save()
    return party


def parties_upsert_many(
    *, identities: Sequence[Mapping[str, str]], now: datetime
) -> dict[tuple[str, str], Party]:
    """:func:`party_upsert` for many identities (already validated and normalised), in order:
    the name is replaced, a non-empty phone or address too. Existing rows are locked in
    primary-key order; new ones are inserted in bulk. Must run inside the caller's transaction.
    Returns ``{(id_type, id_number): party}``."""
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for ident in identities:
        key = (ident["id_type"], ident["id_number"])
        merged = dict(wanted.get(key, {}))
        merged.update({k: v for k, v in ident.items() if v or k in ("kind", "name")})
        wanted[key] = merged
    found: dict[tuple[str, str], Party] = {}
    by_type: dict[str, list[str]] = {}
    for id_type, number in wanted:
        by_type.setdefault(id_type, []).append(number)
    for id_type, numbers in by_type.items():
        for party in (
            Party.objects.select_for_update().filter(id_type=id_type, id_number__in=numbers).order_by("pk")
        ):
            found[(party.id_type, party.id_number)] = party
    changed: list[Party] = []
    new: list[Party] = []
    for key, ident in wanted.items():
        existing = found.get(key)
        party = existing or Party(kind=ident["kind"], id_type=key[0], id_number=key[1], created_at=now)
        before = (party.name, party.sex, party.birth_date, party.phone, party.address)
        facts: dict[str, object] = {}
        if key[0] == IdType.RESIDENT_ID:
            rid = validate_resident_id(key[1])
            facts = {"sex": rid.sex, "birth_date": rid.birth_date}
        _party_refresh(
            party,
            name=ident["name"].strip(),
            facts=facts,
            contacts={"phone": ident.get("phone", ""), "address": ident.get("address", "")},
        )
        if existing is None:
            new.append(party)
        elif (party.name, party.sex, party.birth_date, party.phone, party.address) != before:
            changed.append(party)
        found[key] = party
    if new:
        Party.objects.bulk_create(new)
    if changed:
        bulk_set(Party, changed, ["name", "sex", "birth_date", "phone", "address"])
    return found


@transaction.atomic
def e_address_record(
    *,
    party: Party,
    channel: str,
    address: str,
    now: datetime,
    consent_kind: str = "",
    confirmed: bool = False,
    renew_consent: bool = False,
) -> ElectronicAddress:
    """Find or create the party's electronic-service address (民诉法 2023 art. 90).

    ``consent_kind`` (在线诉讼规则 2021 art. 29: express, contract, provided, conduct) is recorded
    on a new row, and on an existing row that has no consent yet; consent already recorded is
    kept. With ``renew_consent`` the address is supplied again by its holder, so the consent and
    its time are replaced and the address counts as confirmed."""
    if renew_consent:
        row, _ = ElectronicAddress.objects.update_or_create(
            party=party,
            channel=channel,
            address=address,
            defaults={"consent_kind": consent_kind, "consented_at": now, "confirmed": confirmed},
        )
        return row
    row, created = ElectronicAddress.objects.get_or_create(
        party=party,
        channel=channel,
        address=address,
        defaults={
            "consent_kind": consent_kind,
            "consented_at": now if consent_kind else None,
            "confirmed": confirmed,
        },
    )
    if not created and consent_kind and not row.consent_kind:
        row.consent_kind = consent_kind
        row.consented_at = now
        row.save(update_fields=["consent_kind", "consented_at"])
    return row


def e_addresses_record_many(*, wanted: Mapping[tuple[int, str, str], str], now: datetime) -> None:
    """:func:`e_address_record` for many ``(party_id, channel, address) -> consent_kind`` at once
    (bulk filing): new rows inserted in bulk, consent added to existing rows that have none."""
    if not wanted:
        return
    existing = {
        (a.party_id, a.channel, a.address): a
        for a in ElectronicAddress.objects.filter(party_id__in={k[0] for k in wanted})
    }
    new, update = [], []
    for (party_id, channel, address), consent_kind in wanted.items():
        row = existing.get((party_id, channel, address))
        if row is None:
            new.append(
                ElectronicAddress(
                    party_id=party_id,
                    channel=channel,
                    address=address,
                    consent_kind=consent_kind,
                    consented_at=now if consent_kind else None,
                )
            )
        elif consent_kind and not row.consent_kind:
            row.consent_kind, row.consented_at = consent_kind, now
            update.append(row)
    ElectronicAddress.objects.bulk_create(new)
    if update:
        bulk_set(ElectronicAddress, update, ["consent_kind", "consented_at"])
