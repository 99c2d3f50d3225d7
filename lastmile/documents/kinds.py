"""The documents app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class DocumentsEvent(EventKind):
    ISSUED = "document.issued"
    CORRECTED = "document.corrected"
