"""Demo mode: the embedded default that ``lastmile run`` starts on a laptop.

Demo mode is explicit. It is on only when ``LASTMILE["DEMO"]`` is true, which the settings read
from ``LASTMILE_DEMO``; ``lastmile run`` on the embedded default sets it, production settings
leave it off. Demo users, the demo institution keys and the institutions simulator exist only in
demo mode, and ``lastmile check --deploy`` refuses a configuration that has it on.
"""

from __future__ import annotations

from django.conf import settings


def demo_mode() -> bool:
    """True when the platform runs as the embedded demo (never in production)."""
    return bool(getattr(settings, "LASTMILE", {}).get("DEMO", False))
