"""The port to the external video-hearing system (在线庭审). The adapter is
``LASTMILE["COURT_CASES"]["VIDEO_HEARING_ADAPTER"]``; the placeholder below returns links on a
reserved domain and contacts nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.utils.module_loading import import_string

from lastmile.service.conf import court_cases_setting


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    link: str


class VideoHearingPort(Protocol):
    name: str

    def create_meeting(self, *, case_number: str, starts_at: datetime, minutes: int, judge: str) -> Meeting:
        """Book a room on the video-hearing system; returns its id and join link."""
        ...


def video_hearing_port() -> VideoHearingPort:
    port: VideoHearingPort = import_string(str(court_cases_setting("VIDEO_HEARING_ADAPTER")))()
    return port
