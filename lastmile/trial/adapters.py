"""Placeholder video-hearing adapter: deterministic meeting ids, no network."""

from __future__ import annotations

import hashlib
from datetime import datetime

from lastmile.service.conf import court_cases_setting

from .ports import Meeting


class PlaceholderVideoHearingAdapter:
    name = "placeholder"

    def create_meeting(self, *, case_number: str, starts_at: datetime, minutes: int, judge: str) -> Meeting:
        meeting_id = hashlib.sha256(f"{case_number}|{starts_at.isoformat()}".encode()).hexdigest()[:12]
        return Meeting(
            meeting_id=meeting_id, link=f"{court_cases_setting('VIDEO_HEARING_BASE_URL')}{meeting_id}"
        )
