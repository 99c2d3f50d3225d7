from __future__ import annotations

import pytest


@pytest.fixture
def demo_mode(settings):
    """Demo mode on (what ``lastmile run`` on the embedded default sets): demo data may load."""
    settings.LASTMILE = {**settings.LASTMILE, "DEMO": True}
