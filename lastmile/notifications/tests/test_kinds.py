"""Every kind a notification names is a declared event kind (a typo would silently notify no one)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind
from lastmile.notifications.selectors import PARTY_KINDS, STAFF_KINDS


def test_every_notified_kind_exists():
    declared = EventKind.all_kinds()
    assert not [k for k in {*STAFF_KINDS, *PARTY_KINDS} if k not in declared]
