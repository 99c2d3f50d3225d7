"""The watch app's event kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from lastmile.cases.kinds import EventKind


class WatchEvent(EventKind):
    # A watched vehicle or debtor was seen: the case officer is notified (布控预警).
    ALERT = "watch.alert"
    WATCH_ADDED = "watch.added"
    WATCH_ENDED = "watch.ended"
    DISPATCHED = "watch.dispatched"
    OUTCOME = "watch.outcome"
