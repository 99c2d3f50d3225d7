"""Public API (no login): mounted at /api/v1/public."""

from ninja import Router

router = Router(auth=None)
