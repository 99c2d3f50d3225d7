"""Fixtures of the journeys: each walks one use case across several apps, so it borrows the apps'
test kit (``lastmile.testing``): a filed 执 case, and the inquiry wire (a real simulator over HTTP,
callbacks through the real view on a virtual clock)."""

from __future__ import annotations

from lastmile.testing.enforcement import file_case
from lastmile.testing.wire import demo_mode, inquiry_settings, relay, sim, wire

__all__ = ["demo_mode", "file_case", "inquiry_settings", "relay", "sim", "wire"]
