"""Institutions that file, and their API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import Court
from lastmile.parties.models import IdType, PartyKind, ServiceChannel
from lastmile.parties.services import (
    e_address_record,
    party_upsert,
)

from ..models import (
    InstitutionApiKey,
    InstitutionClient,
)

# --- institutions and keys --------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


KEY_PREFIX = "lmk_"


@transaction.atomic
def institution_client_upsert(
    *,
    name: str,
    uscc: str,
    courts: Iterable[Court],
    now: datetime,
    contact: str = "",
    address: str = "",
    e_service_address: str = "",
) -> InstitutionClient:
    """Register (or update) a filing institution; its party is found or created by credit code.

    ``e_service_address`` is the institution's own electronic-service address (its account on the
    court's e-service platform). Supplying it at registration is consent to electronic service
    (在线诉讼规则 2021 art. 29: consent shown by providing the address), so the documents of its
    cases can be served on it and take effect."""
    party = party_upsert(
        kind=PartyKind.ORGANISATION, name=name, id_type=IdType.USCC, id_number=uscc, now=now, address=address
    )
    if e_service_address.strip():
        e_address_record(
            party=party,
            channel=ServiceChannel.PLATFORM,
            address=e_service_address.strip(),
            now=now,
            consent_kind="provided",
            confirmed=True,
            renew_consent=True,
        )
    client, _ = InstitutionClient.objects.get_or_create(
        party=party, defaults={"name": name, "created_at": now}
    )
    client.name = name
    client.contact = contact or client.contact
    client.save(update_fields=["name", "contact"])
    client.courts.add(*courts)
    return client


def api_key_issue(
    *, client: InstitutionClient, now: datetime, label: str = "", key: str | None = None
) -> tuple[InstitutionApiKey, str]:
    """Issue an API key and return it in clear once; only its SHA-256 digest is stored.

    ``key`` lets the demo install a documented key; otherwise 32 random bytes are drawn.
    """
    if key is None:
        key = f"{KEY_PREFIX}{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"
    if not key.startswith(KEY_PREFIX) or "_" not in key[len(KEY_PREFIX) :]:
        raise ValueError("an API key looks like lmk_<prefix>_<secret>")
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    row = InstitutionApiKey.objects.create(
        client=client, label=label, prefix=prefix, digest=_digest(key), created_at=now
    )
    return row, key


def api_key_revoke(*, api_key: InstitutionApiKey, now: datetime) -> None:
    InstitutionApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now)


def api_key_authenticate(*, key: str, now: datetime) -> InstitutionClient | None:
    """The active institution owning ``key``, or None (unknown, revoked, or client disabled)."""
    if not key or not key.startswith(KEY_PREFIX) or "_" not in key[len(KEY_PREFIX) :]:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    row = (
        InstitutionApiKey.objects.select_related("client", "client__party")
        .filter(prefix=prefix, revoked_at__isnull=True, client__active=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.digest, _digest(key)):
        return None
    InstitutionApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.client


def client_may_file(client: InstitutionClient, court: Court) -> bool:
    return client.active and client.courts.filter(pk=court.pk).exists()
