"""Matching plate reads against the watch list, tolerating the usual recognition confusions.

Pure Python, no Django: the listener keeps a :class:`PlateIndex` in memory and matches tens of
thousands of reads a second against it; the bench and the simulator use the same functions.

Plate recognition confuses a few glyph groups (0/D/Q, 8/B, 1/I, 2/Z, 5/S). Each group maps to one
representative, so a read and a watched plate that differ only inside groups have the same *key*;
a key lookup finds the candidates, and the positions that differ give the distance, the
confidence and the reason. GA 36 never uses I or O in a serial, so a read with one of them is
always a misreading (O is read as 0's group).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lastmile.core.identifiers import PROVINCE_ABBREVIATIONS

CONFUSION_GROUPS: tuple[str, ...] = ("0DQO", "8B", "1I", "2Z", "5S")
_REPRESENTATIVE = {ch: group[0] for group in CONFUSION_GROUPS for ch in group}
_GROUP_OF = {ch: group for group in CONFUSION_GROUPS for ch in group}
_SEPARATORS = re.compile(r"[\s·•・.\-]")
# What a camera may report: a province, the office letter and 5 or 6 letters/digits (a read is
# not a registration: it may hold I or O, which :func:`validate_plate` refuses).
_READ_RE = re.compile(rf"[{PROVINCE_ABBREVIATIONS}][A-Z][A-Z0-9]{{5,6}}")
# Each differing position lowers the confidence by this factor.
PER_CONFUSION = 0.85


_KEY_TABLE = str.maketrans(_REPRESENTATIVE)


def normalise_read(raw: str) -> str | None:
    """The read as a plate string (no separators, uppercase), or ``None`` when it cannot be a
    plate at all."""
    s = (raw or "").strip().upper()
    if not s.isalnum():
        s = _SEPARATORS.sub("", s)
    return s if _READ_RE.fullmatch(s) else None


def plate_key(plate: str) -> str:
    """The plate with every confusable glyph replaced by its group's representative."""
    return plate.translate(_KEY_TABLE)


@dataclass(frozen=True, slots=True)
class Match:
    watched: str
    read: str
    distance: int  # positions that differ (each within one confusion group)
    confidence: float  # the camera's confidence, lowered per differing position
    reason: str  # in Chinese, for the operator

    def as_dict(self) -> dict[str, object]:
        return {
            "watched": self.watched,
            "read": self.read,
            "distance": self.distance,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
        }


def compare(watched: str, read: str, *, camera_confidence: float = 1.0) -> Match | None:
    """How ``read`` matches ``watched``: ``None`` unless they have the same length and every
    differing position lies within one confusion group."""
    if len(watched) != len(read):
        return None
    diffs: list[str] = []
    for i, (w, r) in enumerate(zip(watched, read, strict=True)):
        if w == r:
            continue
        group = _GROUP_OF.get(w)
        if group is None or r not in group:
            return None
        diffs.append(f"第{i + 1}位识别为“{r}”，布控车牌为“{w}”（易混字符 {'/'.join(group)}）")
    confidence = max(0.0, min(1.0, camera_confidence)) * PER_CONFUSION ** len(diffs)
    reason = "车牌完全一致" if not diffs else "；".join(diffs)
    return Match(watched, read, len(diffs), confidence, reason)


class PlateIndex:
    """Watched plates by key, each with the entry ids watching it."""

    def __init__(self, entries: Iterable[tuple[int, str]] = (), *, max_distance: int = 2) -> None:
        self.max_distance = max_distance
        self._by_key: dict[str, dict[str, list[int]]] = {}
        for entry_id, plate in entries:
            self.add(entry_id, plate)

    def add(self, entry_id: int, plate: str) -> None:
        self._by_key.setdefault(plate_key(plate), {}).setdefault(plate, []).append(entry_id)

    def has_key(self, key: str) -> bool:
        """Whether any watched plate has this confusion key (the listener's fast path)."""
        return key in self._by_key

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def lookup(self, read: str, *, camera_confidence: float = 1.0) -> list[tuple[int, Match]]:
        """The entries ``read`` matches, with how (an unwatched plate costs one dict lookup)."""
        plates = self._by_key.get(plate_key(read))
        if not plates:
            return []
        out: list[tuple[int, Match]] = []
        for watched, entry_ids in plates.items():
            m = compare(watched, read, camera_confidence=camera_confidence)
            if m is not None and m.distance <= self.max_distance:
                out.extend((entry_id, m) for entry_id in entry_ids)
        return out
