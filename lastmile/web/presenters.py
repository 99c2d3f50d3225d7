"""Turn domain rows into what a page or API shows, masking what the viewer may not see."""

from __future__ import annotations

from typing import Any

from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import Case
from lastmile.parties.selectors import party_masked_id, party_public_view


def party_rows(case: Case, *, viewer: Any) -> list[dict[str, Any]]:
    """Parties of ``case``; staff of the case's court see full identities, others masked."""
    full = (
        viewer is not None
        and getattr(viewer, "court_id", None) == case.court_id
        and actor_can(viewer, "case.view")
    )
    rows = []
    for cp in case.case_parties.select_related("party").order_by("role", "position"):
        party = cp.party
        if full:
            shown = {"name": party.name, "id_number": party.id_number, "phone": party.phone}
        else:
            shown = party_public_view(party)
        rows.append(
            {
                "role": cp.get_role_display(),
                "role_code": cp.role,
                "kind": party.get_kind_display(),
                "masked_id": party_masked_id(party),
                **shown,
            }
        )
    return rows
