"""Helpers for the enforcement tests: a filed case and a basis, times in Beijing (the test kit's,
shared with the journeys in ``tests/flows``)."""

from __future__ import annotations

from lastmile.testing.enforcement import BJ, at, basis, file_case

__all__ = ["BJ", "at", "basis", "file_case"]
